#include "storage/pair_arithmetic.h"

#include <vector>

namespace ufm {
namespace {

std::string text_of(const AttributeValue& value) {
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  if (const auto* integer = std::get_if<std::int64_t>(&value)) return std::to_string(*integer);
  return std::to_string(std::get<double>(value));
}

// The attribute's text, or "" when absent.
std::string value_of(const std::map<std::string, AttributeValue>& attributes, const char* name) {
  const auto found = attributes.find(name);
  return found == attributes.end() ? std::string() : text_of(found->second);
}

}  // namespace

std::string arithmetic_difference(const std::map<std::string, AttributeValue>& canary,
                                  const std::map<std::string, AttributeValue>& control) {
  std::vector<std::string> differences;
  const auto compare = [&](const char* name, const std::string& unit) {
    const std::string a = value_of(canary, name), b = value_of(control, name);
    if (!a.empty() && !b.empty() && a != b) differences.push_back(b + unit + " (the canary: " + a + ")");
  };
  compare("device", " as device");
  compare("threads", " threads");
  const std::string device = value_of(canary, "device");
  if (!device.empty() && device.rfind("cpu", 0) != 0) compare("parallel_models", " models trained together");
  std::string out;
  for (const auto& d : differences) out += (out.empty() ? "" : ", ") + d;
  return out;
}

}  // namespace ufm
