#pragma once
/// The loss-to-gradient seam of the trainer (training/trainer.h): from one step's stacked
/// batch to every model's gradient. Today the mean cross-entropy and one backward pass;
/// private training replaces it with per-example norms from the same traced pass, clipping
/// and noise, as one .h/.cpp pair and one line in gradient_step_registry().
#include <ATen/Tensor.h>

#include <memory>

#include "core/registry.h"
#include "models/batched_model.h"
#include "training/training_options.h"

namespace ufm {

/// What one step's forward pass gave, for the epoch's records (detached).
struct StepOutput {
  at::Tensor losses;  ///< [K]: model k's mean loss over its batch
  at::Tensor logits;  ///< [K, B, classes]
};

class GradientStep {
 public:
  virtual ~GradientStep() = default;
  /// Runs `model` (in training mode: dropout masks and batch statistics of this step) on
  /// x [K, B, C, H, W] with labels y [K, B], and leaves in slice k of every stacked
  /// parameter's gradient (reset by the trainer) the gradient of model k's loss alone.
  virtual StepOutput compute(BatchedModel& model, const at::Tensor& x, const at::Tensor& y) const = 0;
};

/// The paper's step: mean cross-entropy over each model's batch, one backward pass of the
/// models' summed losses (model k's parameters see only model k's loss). With the CPU's
/// per-model kernels (BatchedModel::batched_kernels() false) each loss is the single
/// model's own call, bit for bit; with batched kernels one call for all K.
class MeanCrossEntropy : public GradientStep {
 public:
  StepOutput compute(BatchedModel& model, const at::Tensor& x, const at::Tensor& y) const override;
};

using GradientStepRegistry = Registry<std::shared_ptr<GradientStep>, const TrainingOptions&>;

GradientStepRegistry& gradient_step_registry();

}  // namespace ufm
