#pragma once
/// Keras' EarlyStopping(monitor="val_loss", restore_best_weights=True) for one model
/// (science.md, "Training"): an epoch improves when its validation loss is strictly below
/// the best so far; training stops once `patience` epochs in a row have not improved.
/// Without early stopping every epoch is "best" (the last epoch is the result).
#include <cstdint>
#include <limits>

#include "training/training_options.h"

namespace ufm {

class EarlyStopping {
 public:
  explicit EarlyStopping(const TrainingOptions& options)
      : enabled_(options.early_stopping), patience_(options.patience) {}

  /// Records epoch `epoch`'s validation loss. True when the model's weights of this epoch
  /// are the ones to keep (a strict improvement; always without early stopping).
  bool record(std::int64_t epoch, double validation_loss);

  /// True once `patience` epochs in a row have not improved (never without early stopping).
  bool should_stop() const { return enabled_ && without_improvement_ >= patience_; }
  /// The 1-based epoch whose weights record() last said to keep (0 before any).
  std::int64_t best_epoch() const { return best_epoch_; }
  bool enabled() const { return enabled_; }

 private:
  bool enabled_;
  std::int64_t patience_;
  double best_loss_ = std::numeric_limits<double>::infinity();
  std::int64_t best_epoch_ = 0;
  std::int64_t without_improvement_ = 0;
};

}  // namespace ufm
