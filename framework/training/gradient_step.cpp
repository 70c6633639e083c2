#include "training/gradient_step.h"

#include <ATen/ATen.h>

#include <vector>

#include "training/private_gradient.h"

namespace ufm {

StepOutput MeanCrossEntropy::compute(BatchedModel& model, const StepBatch& batch) const {
  const at::Tensor& y = batch.y;
  model.set_rows(batch.rows);
  const at::Tensor logits = model.forward(batch.x);  // [K, B, classes]
  const std::int64_t K = logits.size(0), rows = logits.size(1);
  at::Tensor losses;
  if (!batch.rows.empty()) {
    // Each model's mean over its own rows, the padding left out.
    const std::vector<at::Tensor> model_logits = model_slices(logits), model_labels = model_slices(y);
    std::vector<at::Tensor> each;
    for (std::int64_t k = 0; k < K; ++k) {
      const std::int64_t real = batch.rows_of(k);
      each.push_back(at::cross_entropy_loss(model_logits[k].narrow(0, 0, real), model_labels[k].narrow(0, 0, real)));
    }
    losses = stack_models(each);
  } else if (model.batched_kernels()) {
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
  if (sign_ == 1.0) {
    losses.sum().backward();
  } else {
    (losses.sum() * sign_).backward();
  }
  return {losses.detach(), logits.detach()};
}

const char* gradient_step_name(const PrivacyOptions& privacy) {
  return privacy.enabled ? "dp_sgd" : "mean_cross_entropy";
}

GradientStepRegistry& gradient_step_registry() {
  static GradientStepRegistry registry = [] {
    GradientStepRegistry r("gradient step");
    r.add("mean_cross_entropy", "mean cross-entropy of each model's batch, one backward pass",
          [](const TrainingOptions&, const PrivacyOptions&) -> std::shared_ptr<GradientStep> {
            return std::make_shared<MeanCrossEntropy>();
          });
    r.add("dp_sgd", "clipped per-example gradients plus Gaussian noise, over the expected batch size (privacy.*)",
          [](const TrainingOptions& train, const PrivacyOptions& privacy) -> std::shared_ptr<GradientStep> {
            return std::make_shared<ClippedNoisyGradient>(privacy.clip_norm, privacy.noise_multiplier,
                                                          static_cast<double>(train.batch_size));
          });
    return r;
  }();
  return registry;
}

}  // namespace ufm
