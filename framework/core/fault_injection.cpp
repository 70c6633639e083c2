#include "core/fault_injection.h"

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string>
#include <atomic>

namespace ufm {
namespace {

struct FaultSetting {
  std::string point;
  long long at = 0;
};

const FaultSetting& setting() {
  static const FaultSetting value = [] {
    FaultSetting s;
    const char* text = std::getenv("UFM_FAULT");
    if (!text || !*text) return s;
    std::string spec(text);
    const auto colon = spec.find(':');
    s.point = spec.substr(0, colon);
    s.at = colon == std::string::npos ? 1 : std::atoll(spec.c_str() + colon + 1);
    return s;
  }();
  return value;
}

std::atomic<long long> passages{0};

}  // namespace

void fault_point(const char* point) {
  const FaultSetting& s = setting();
  if (s.point.empty() || s.point != point) return;
  if (++passages >= s.at) {
    // SIGKILL, like kill -9 or the OOM killer: no destructors, no flushing, no atexit.
    std::raise(SIGKILL);
  }
}

}  // namespace ufm
