#pragma once
/// YAML block `train` (science.md, "Training": Adam 3e-4, β 0.9/0.999, ε 1e-7, batch 128,
/// at most 100 epochs, no shuffling, early stopping on validation loss with patience 10).
#include <cstdint>
#include <string>
#include <vector>

#include "core/option_table.h"

namespace ufm {

/// train.weight_decay_mode: "l2", "decoupled".
enum class WeightDecayMode { kL2, kDecoupled };
const std::vector<std::string>& option_names(WeightDecayMode);
/// train.precision as configured: "fp32", "bf16", "auto" (auto is resolved to one of the
/// others before a run's identity, runs/experiment_runner.h; the trainer's arithmetic is
/// runtime/precision.h's Precision).
enum class PrecisionChoice { kFp32, kBf16, kAuto };
const std::vector<std::string>& option_names(PrecisionChoice);
enum class Precision;  // runtime/precision.h
/// The arithmetic a resolved choice names; auto throws ConfigError naming train.precision.
Precision step_precision(PrecisionChoice choice);
/// The choice that names `precision`.
PrecisionChoice precision_choice(Precision precision);

struct TrainingOptions {
  /// Fixes initialisation, batch order (when shuffling) and every other draw of the run.
  std::uint64_t seed = 0;
  /// adam | sgd.
  std::string optimizer = "adam";
  double learning_rate = 3e-4;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-7;
  /// SGD momentum (ignored by Adam).
  double momentum = 0.9;
  /// Weight decay on weight matrices and kernels (0 = none; the authors used none).
  double weight_decay = 0.0;
  /// l2: (rate/2)·‖w‖² in the loss; decoupled: AdamW-style shrinkage beside the update.
  WeightDecayMode weight_decay_mode = WeightDecayMode::kL2;
  std::int64_t batch_size = 128;
  std::int64_t max_epochs = 100;
  bool shuffle = false;
  bool early_stopping = true;
  std::int64_t patience = 10;
  /// fp32 | bf16 | auto: the arithmetic of the training step (runtime/precision.h). A
  /// scientific setting, part of a run's identity when not fp32.
  PrecisionChoice precision = PrecisionChoice::kFp32;
  /// Declared once (core/option_table.h): key, default, allowed values, description.
  static const OptionTable<TrainingOptions>& options();
  /// The YAML block these options are read from.
  static constexpr const char* kBlock = "train";
  /// The declared rules, then the rules between options; ConfigError naming the key.
  void validate() const;
};

}  // namespace ufm
