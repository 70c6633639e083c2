#include "storage/pair_arithmetic.h"

#include <vector>

#include "storage/schema.h"

namespace ufm {

std::string arithmetic_difference(const std::map<std::string, AttributeValue>& canary,
                                  const std::map<std::string, AttributeValue>& control) {
  std::vector<std::string> differences;
  const auto compare = [&](const char* name, const std::string& unit) {
    const std::string a = attribute_text(canary, name), b = attribute_text(control, name);
    if (!a.empty() && !b.empty() && a != b) differences.push_back(b + unit + " (the canary: " + a + ")");
  };
  compare(schema::kDeviceAttribute, " as device");
  compare(schema::kThreadsAttribute, " threads");
  const std::string device = attribute_text(canary, schema::kDeviceAttribute);
  if (!device.empty() && device.rfind("cpu", 0) != 0) compare(schema::kParallelModelsAttribute, " models trained together");
  std::string out;
  for (const auto& d : differences) out += (out.empty() ? "" : ", ") + d;
  return out;
}

}  // namespace ufm
