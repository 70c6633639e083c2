#pragma once
/// Errors of the framework. Every failure a user can cause (a bad config key, a
/// truncated file, an unreadable result file) is one of these kinds; the program's
/// main catches them, prints the one-line message and exits non-zero.
#include <sstream>
#include <stdexcept>
#include <string>

namespace ufm {

enum class ErrorKind { kConfig, kData, kStorage, kRuntime };

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message);
  ErrorKind kind() const { return kind_; }
  /// "config", "data", "storage" or "runtime", for the one-line report.
  const char* kind_name() const;

 private:
  ErrorKind kind_;
};

/// A configuration key or value is wrong (names the key path and what was expected).
class ConfigError : public Error {
 public:
  explicit ConfigError(const std::string& message) : Error(ErrorKind::kConfig, message) {}
};
/// An input file is missing, truncated or malformed (names the file).
class DataError : public Error {
 public:
  explicit DataError(const std::string& message) : Error(ErrorKind::kData, message) {}
};
/// A result file cannot be read or written (names the file and the object).
class StorageError : public Error {
 public:
  explicit StorageError(const std::string& message) : Error(ErrorKind::kStorage, message) {}
};
/// Anything else that stops a run (shape mismatch between components, ...).
class RuntimeError : public Error {
 public:
  explicit RuntimeError(const std::string& message) : Error(ErrorKind::kRuntime, message) {}
};

namespace detail {
template <typename... Parts>
std::string concat(const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  return out.str();
}
}  // namespace detail

}  // namespace ufm

/// Throws `ErrorType` with the concatenated message parts when `condition` is false.
/// Unlike assert it stays in release builds: it is for input checks, not invariants.
#define UFM_CHECK(condition, ErrorType, ...)                      \
  do {                                                            \
    if (!(condition)) throw ErrorType(::ufm::detail::concat(__VA_ARGS__)); \
  } while (false)
