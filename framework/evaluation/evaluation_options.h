#pragma once
/// YAML block `evaluation`.
#include <cstdint>

namespace ufm {

struct EvaluationOptions {
  /// Seed of the random-patch stream (one 5×5 Bernoulli(0.5) patch per OOD image, drawn
  /// once per experiment and shared by every model, canary and control alike).
  std::uint64_t patch_seed = 0;
  /// Store the N×K softmax outputs of the three probes per model.
  bool save_probes = false;
  /// Also score the model after every training epoch (arrays under scores_per_epoch/).
  bool per_epoch = false;
  /// Images per forward pass when probing.
  std::int64_t batch_size = 2000;
  void validate() const;
};

}  // namespace ufm
