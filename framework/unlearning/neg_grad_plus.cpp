#include "unlearning/neg_grad_plus.h"

#include <ATen/ATen.h>

#include "core/error.h"
#include "training/trainer.h"

namespace ufm {

StepOutput RetainDescentForgetAscent::compute(BatchedModel& model, const StepBatch& batch) const {
  UFM_CHECK(batch.x.size(0) == 1, RuntimeError, "neggrad_plus unlearns one model at a time, got ", batch.x.size(0));
  model.set_rows(batch.rows);
  const at::Tensor logits = model.forward(batch.x);  // [1, B, classes]
  const at::Tensor retain = at::cross_entropy_loss(logits[0], batch.y[0]);
  model.set_rows({});
  const at::Tensor forget_logits = model.forward(forget_images_.unsqueeze(0));
  const at::Tensor forget = at::cross_entropy_loss(forget_logits[0], forget_labels_);
  (retain - weight_ * forget).backward();
  return {retain.detach().unsqueeze(0), logits.detach()};
}

void NegGradPlus::unlearn(UnlearningContext& context) const {
  const std::int64_t epochs = context.options.epochs;
  if (epochs == 0) return;
  TrainingView retain = *context.training;
  retain.set_removed(context.forget.indices);
  TrainingSeams seams;
  seams.gradient_step = std::make_shared<RetainDescentForgetAscent>(context.forget.images, context.forget.labels,
                                                                    context.options.ascent_weight);
  train_classifier(*context.model, retain, context.validation_images, context.validation_labels,
                   unlearning_training_options(context, epochs), context.generator, nullptr, AugmentationOptions{},
                   seams);
}

}  // namespace ufm
