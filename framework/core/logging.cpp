#include "core/logging.h"

#include <atomic>
#include <cstdio>
#include <mutex>

namespace ufm {
namespace {
std::atomic<int> level{static_cast<int>(LogLevel::kInfo)};
std::mutex output_mutex;

void emit(const std::string& message) {
  std::lock_guard<std::mutex> lock(output_mutex);
  std::fprintf(stderr, "[ufm] %s\n", message.c_str());
  std::fflush(stderr);
}
}  // namespace

void set_log_level(LogLevel value) { level = static_cast<int>(value); }
LogLevel log_level() { return static_cast<LogLevel>(level.load()); }

void log_info(const std::string& message) {
  if (level >= static_cast<int>(LogLevel::kInfo)) emit(message);
}
void log_debug(const std::string& message) {
  if (level >= static_cast<int>(LogLevel::kDebug)) emit(message);
}

}  // namespace ufm
