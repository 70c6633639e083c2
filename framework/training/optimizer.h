#pragma once
/// Optimisers by name (train.optimizer): adam (the paper's), sgd (with momentum). One
/// family, over stacked parameters [K, ...] (models/batched_model.h): a model trained alone
/// is K = 1. Each model has its own state and step count, and an active mask freezes a
/// model that stopped early (neither its parameters nor its state move). The per-element
/// arithmetic is one fused pass per model slice (training/optimizer_kernels.h), with
/// optional weight decay as L2 in the loss or decoupled (AdamW-style).
#include <ATen/Tensor.h>

#include <memory>
#include <vector>

#include "core/registry.h"
#include "training/training_options.h"

namespace ufm {

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  /// One update of every model k with active[k] (active.size() == K) from the stacked
  /// gradients; parameters without a gradient are skipped.
  virtual void step(const std::vector<bool>& active) = 0;
};

/// How weight decay enters the update. Applied to weight matrices and kernels only
/// (tensors of 2+ dimensions per model), not to biases or batch-norm scales, as Keras'
/// kernel_regularizer does.
struct WeightDecay {
  double rate = 0.0;
  /// false: L2 in the loss, (rate/2)·‖w‖², i.e. rate·w added to the gradient before the
  /// optimiser's own scaling. true: decoupled, w ← w − lr·rate·w beside the update
  /// (Loshchilov & Hutter 2019, "Decoupled weight decay regularization").
  bool decoupled = false;
};

/// Created from float32 stacked parameters [K, ...], all with the same K.
using OptimizerRegistry = Registry<std::unique_ptr<Optimizer>, std::vector<at::Tensor>, const TrainingOptions&>;

OptimizerRegistry& optimizer_registry();

/// The optimiser named by options.optimizer over stacked parameters.
std::unique_ptr<Optimizer> make_optimizer(std::vector<at::Tensor> parameters, const TrainingOptions& options);

}  // namespace ufm
