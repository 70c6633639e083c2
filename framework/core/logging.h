#pragma once
/// Console output for people: info lines on stderr so stdout carries only results
/// (tables), and a switch to silence progress in tests.
#include <string>

namespace ufm {

enum class LogLevel { kQuiet = 0, kInfo = 1, kDebug = 2 };

void set_log_level(LogLevel level);
LogLevel log_level();

/// Prints "[ufm] message" on stderr when the level allows.
void log_info(const std::string& message);
void log_debug(const std::string& message);

}  // namespace ufm
