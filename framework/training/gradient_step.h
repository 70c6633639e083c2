#pragma once
/// The loss-to-gradient seam of the trainer (training/trainer.h): from one step's stacked
/// batch to every model's gradient. Today the mean cross-entropy and one backward pass;
/// private training replaces it with per-example norms from the same traced pass, clipping
/// and noise, as one .h/.cpp pair and one line in gradient_step_registry().
#include <ATen/Tensor.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "core/registry.h"
#include "models/batched_model.h"
#include "training/privacy_options.h"
#include "training/training_options.h"

namespace ufm {

/// One step's stacked batch.
struct StepBatch {
  at::Tensor x;  ///< [K, B, C, H, W]
  at::Tensor y;  ///< [K, B]
  /// Model k's batch is its first rows[k] rows; later rows pad the stack (batches of
  /// different sizes: Poisson sampling). Empty: every row of every model is real.
  std::vector<std::int64_t> rows;
  /// The step's number in the run, counted from 0 over all epochs.
  std::int64_t step = 0;
  /// Per model: the key of its noise stream (GradientStep::needs_noise_keys).
  std::vector<std::uint64_t> noise_keys;

  std::int64_t rows_of(std::int64_t k) const {
    return rows.empty() ? x.size(1) : rows[static_cast<std::size_t>(k)];
  }
};

/// What one step's forward pass gave, for the epoch's records (detached).
struct StepOutput {
  at::Tensor losses;  ///< [K]: model k's mean loss over its real rows
  at::Tensor logits;  ///< [K, B, classes]
};

class GradientStep {
 public:
  virtual ~GradientStep() = default;
  /// Runs `model` (in training mode: dropout masks and batch statistics of this step) on
  /// the batch, and leaves in slice k of every stacked parameter's gradient (reset by the
  /// trainer) the gradient model k's optimiser is to use, from model k's rows alone.
  virtual StepOutput compute(BatchedModel& model, const StepBatch& batch) const = 0;
  /// True when the step draws noise: the trainer then draws one key per model from the
  /// model's generator before its first epoch and passes it with every batch.
  virtual bool needs_noise_keys() const { return false; }
};

/// The paper's step: mean cross-entropy over each model's batch, one backward pass of the
/// models' summed losses (model k's parameters see only model k's loss). With the CPU's
/// per-model kernels (BatchedModel::batched_kernels() false) each loss is the single
/// model's own call, bit for bit; with batched kernels one call for all K.
/// Padding rows (StepBatch::rows) are left out of each model's mean.
class MeanCrossEntropy : public GradientStep {
 public:
  /// `sign` −1 leaves the gradient of minus the loss: a descent step then ascends it
  /// (unlearning's NegGrad, unlearning/neg_grad.h).
  explicit MeanCrossEntropy(double sign = 1.0) : sign_(sign) {}
  StepOutput compute(BatchedModel& model, const StepBatch& batch) const override;

 private:
  double sign_;
};

/// Steps are made from the run's training and privacy options.
using GradientStepRegistry =
    Registry<std::shared_ptr<GradientStep>, const TrainingOptions&, const PrivacyOptions&>;

GradientStepRegistry& gradient_step_registry();

/// The registry's name of the step the options ask for: "dp_sgd" under private training,
/// else "mean_cross_entropy".
const char* gradient_step_name(const PrivacyOptions& privacy);

}  // namespace ufm
