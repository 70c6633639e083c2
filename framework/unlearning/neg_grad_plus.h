#pragma once
/// NegGrad+: unlearning.epochs epochs over the retain set where each step descends the retain
/// batch's mean cross-entropy and ascends the forget set's, weighted by
/// unlearning.ascent_weight (Kurmanji et al. 2023, "Towards unbounded machine unlearning",
/// the NegGrad+ baseline: loss = L_retain − w · L_forget).
#include "training/gradient_step.h"
#include "unlearning/unlearning_method.h"

namespace ufm {

/// Gradient of L_retain(batch) − weight · L_forget, for one model (K = 1).
class RetainDescentForgetAscent : public GradientStep {
 public:
  RetainDescentForgetAscent(at::Tensor forget_images, at::Tensor forget_labels, double weight)
      : forget_images_(std::move(forget_images)), forget_labels_(std::move(forget_labels)), weight_(weight) {}
  StepOutput compute(BatchedModel& model, const StepBatch& batch) const override;

 private:
  at::Tensor forget_images_;
  at::Tensor forget_labels_;
  double weight_;
};

class NegGradPlus : public UnlearningMethod {
 public:
  void unlearn(UnlearningContext& context) const override;
};

}  // namespace ufm
