#include "training/gradient_step.h"

#include <ATen/ATen.h>

#include <vector>

namespace ufm {

StepOutput MeanCrossEntropy::compute(BatchedModel& model, const at::Tensor& x, const at::Tensor& y) const {
  const at::Tensor logits = model.forward(x);  // [K, B, classes]
  const std::int64_t K = logits.size(0), rows = logits.size(1);
  at::Tensor losses;
  if (model.batched_kernels()) {
    losses = at::cross_entropy_loss(logits.reshape({K * rows, logits.size(2)}), y.reshape({-1}), {},
                                    at::Reduction::None)
                 .view({K, rows})
                 .mean(1);
  } else {
    const std::vector<at::Tensor> model_logits = model_slices(logits), model_labels = model_slices(y);
    std::vector<at::Tensor> each;
    for (std::int64_t k = 0; k < K; ++k) each.push_back(at::cross_entropy_loss(model_logits[k], model_labels[k]));
    losses = stack_models(each);
  }
  // Model k's loss is the mean over its own batch, as alone; their sum has, for each
  // model's parameters, exactly that model's gradient.
  losses.sum().backward();
  return {losses.detach(), logits.detach()};
}

GradientStepRegistry& gradient_step_registry() {
  static GradientStepRegistry registry = [] {
    GradientStepRegistry r("gradient step");
    r.add("mean_cross_entropy", "mean cross-entropy of each model's batch, one backward pass",
          [](const TrainingOptions&) -> std::shared_ptr<GradientStep> { return std::make_shared<MeanCrossEntropy>(); });
    return r;
  }();
  return registry;
}

}  // namespace ufm
