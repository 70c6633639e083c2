#pragma once
/// DP-SGD's gradient (Abadi et al. 2016, "Deep learning with differential privacy", CCS,
/// Algorithm 1): each example's gradient clipped to L2 norm C, the clipped gradients
/// summed, Gaussian noise N(0, σ²C²I) added, the result divided by the expected batch size
/// L = qN (dividing by the realised batch size would leak it; ../shared/privacy.md).
///
/// Clipping without one backward pass per example ("book-keeping", Bu, Wang, Zha, Karypis
/// 2023, "Differentially private optimization on large model at small cost", ICML): one
/// traced forward pass in training mode (this step's dropout masks and augmented inputs),
/// one backward pass to the layer outputs giving every example's norm from the layers'
/// per-example identities (models/per_example_norms.h; Goodfellow 2015), then each layer's
/// clipped sum Σ_i c_i g_i, c_i = min(1, C/‖g_i‖), from the same inputs and output
/// gradients: one matrix product per layer, no second backward pass. The noise of model k at step t is the counter-based
/// stream (core/counter_random.h) under model k's noise key, stream t, one element per
/// parameter entry in parameters() order: the same bits at any thread count and for any
/// number of models trained together.
#include "training/gradient_step.h"

namespace ufm {

class ClippedNoisyGradient : public GradientStep {
 public:
  /// clip_norm C > 0, noise_multiplier σ ≥ 0, expected_batch_size L > 0.
  ClippedNoisyGradient(double clip_norm, double noise_multiplier, double expected_batch_size);
  StepOutput compute(BatchedModel& model, const StepBatch& batch) const override;
  bool needs_noise_keys() const override { return noise_multiplier_ > 0.0; }

  /// Per-example gradient norms ‖g_i‖ of the last compute(), [K, B] float64 (0 for padding);
  /// for tests and diagnostics.
  const at::Tensor& last_norms() const { return last_norms_; }

 private:
  double clip_norm_;
  double noise_multiplier_;
  double expected_batch_size_;
  mutable at::Tensor last_norms_;
  mutable at::Tensor noise_;  ///< reused buffer of one model's noise
};

}  // namespace ufm
