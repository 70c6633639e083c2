#include "storage/output_options.h"

#include "core/error.h"

namespace ufm {

const OptionTable<OutputOptions>& OutputOptions::options() {
  static const OptionTable<OutputOptions> table = [] {
    OptionTable<OutputOptions> t;
    t.add("path", &OutputOptions::path, "result file (.h5); its pieces live in <path>.d/")
        .non_empty("a file path")
        .add("save_weights", &OutputOptions::save_weights, "store every model parameter under weights/");
    return t;
  }();
  return table;
}

void OutputOptions::validate() const {
  check_options(options(), *this, kBlock);
  UFM_CHECK(path.size() > 3 && path.substr(path.size() - 3) == ".h5", ConfigError, option_path(kBlock, "path"),
            ": expected a file name ending in .h5, got '", path, "'");
}

}  // namespace ufm
