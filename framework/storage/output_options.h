#pragma once
/// YAML block `output`. Execution-only: never part of a run's identity.
#include <string>

namespace ufm {

struct OutputOptions {
  /// The experiment's result file; its pieces live in "<path>.d/".
  std::string path = "results/experiment.h5";
  /// Store every parameter under its LibTorch name in weights/.
  bool save_weights = false;
  void validate() const;
};

}  // namespace ufm
