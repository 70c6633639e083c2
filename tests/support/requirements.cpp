#include "support/requirements.h"

#include <cstdlib>
#include <string>

namespace ufm::testing {

bool running_under_ci() {
  const char* value = std::getenv("CI");
  if (value == nullptr) return false;
  const std::string text(value);
  return text == "true" || text == "1";
}

}  // namespace ufm::testing
