#include "training/early_stopping.h"

namespace ufm {

bool EarlyStopping::record(std::int64_t epoch, double validation_loss) {
  if (!enabled_) {
    best_epoch_ = epoch;
    return true;
  }
  if (validation_loss < best_loss_) {
    best_loss_ = validation_loss;
    best_epoch_ = epoch;
    without_improvement_ = 0;
    return true;
  }
  ++without_improvement_;
  return false;
}

}  // namespace ufm
