#include "core/error.h"

namespace ufm {

Error::Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}

const char* Error::kind_name() const {
  switch (kind_) {
    case ErrorKind::kConfig: return "config";
    case ErrorKind::kData: return "data";
    case ErrorKind::kStorage: return "storage";
    case ErrorKind::kRuntime: return "runtime";
  }
  return "error";
}

}  // namespace ufm
