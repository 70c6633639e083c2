#pragma once
/// Optimisers by name (train.optimizer): adam (the paper's), sgd (with momentum).
/// Each updates parameters from their gradients in one fused pass per tensor, with
/// optional weight decay, either as L2 in the loss or decoupled (AdamW-style).
#include <ATen/Tensor.h>

#include <memory>
#include <vector>

#include "core/registry.h"
#include "training/training_options.h"

namespace ufm {

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  /// One update from the current gradients; parameters without a gradient are skipped.
  virtual void step() = 0;
};

/// How weight decay enters the update. Applied to weight matrices and kernels only
/// (tensors of 2+ dimensions), not to biases or batch-norm scales, as Keras'
/// kernel_regularizer does.
struct WeightDecay {
  double rate = 0.0;
  /// false: L2 in the loss, (rate/2)·‖w‖², i.e. rate·w added to the gradient before the
  /// optimiser's own scaling. true: decoupled, w ← w − lr·rate·w beside the update
  /// (Loshchilov & Hutter 2019, "Decoupled weight decay regularization").
  bool decoupled = false;
};

using OptimizerRegistry =
    Registry<std::unique_ptr<Optimizer>, std::vector<at::Tensor>, const TrainingOptions&>;

OptimizerRegistry& optimizer_registry();

/// The optimiser named by options.optimizer.
std::unique_ptr<Optimizer> make_optimizer(std::vector<at::Tensor> parameters, const TrainingOptions& options);

}  // namespace ufm
