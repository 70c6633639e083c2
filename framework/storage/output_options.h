#pragma once
/// YAML block `output`. Execution-only: never part of a run's identity.
#include <string>

#include "core/option_table.h"

namespace ufm {

struct OutputOptions {
  /// The experiment's result file; its pieces live in "<path>.d/".
  std::string path = "results/experiment.h5";
  /// Store every parameter under its LibTorch name in weights/.
  bool save_weights = false;
  /// Declared once (core/option_table.h): key, default, allowed values, description.
  static const OptionTable<OutputOptions>& options();
  /// The YAML block these options are read from.
  static constexpr const char* kBlock = "output";
  /// The declared rules, then the rules between options; ConfigError naming the key.
  void validate() const;
};

}  // namespace ufm
