#pragma once
/// Evaluation mode for a scope: scoring, validation and influence switch a model to eval
/// (no dropout draws, batch norm on running statistics) and must hand it back in the mode
/// it had, since they also run between training epochs.
#include "models/classifier.h"

namespace ufm {

class EvalModeGuard {
 public:
  explicit EvalModeGuard(Classifier& model) : model_(model), was_training_(model.is_training()) { model_.eval(); }
  ~EvalModeGuard() { model_.train(was_training_); }
  EvalModeGuard(const EvalModeGuard&) = delete;
  EvalModeGuard& operator=(const EvalModeGuard&) = delete;

 private:
  Classifier& model_;
  bool was_training_;
};

}  // namespace ufm
