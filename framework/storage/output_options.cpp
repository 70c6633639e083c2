#include "storage/output_options.h"

#include "core/error.h"

namespace ufm {

void OutputOptions::validate() const {
  UFM_CHECK(!path.empty(), ConfigError, "output.path: expected a file path, got an empty string");
  UFM_CHECK(path.size() > 3 && path.substr(path.size() - 3) == ".h5", ConfigError,
            "output.path: expected a file name ending in .h5, got '", path, "'");
}

}  // namespace ufm
