#include "unlearning/neg_grad.h"

#include "training/trainer.h"

namespace ufm {

void NegGrad::unlearn(UnlearningContext& context) const {
  const std::int64_t steps = context.options.steps;
  if (steps == 0) return;
  // One epoch of this view is one step over the whole forget set; the trainer's per-epoch
  // validation is the forget set itself (cheap, and it is the loss being ascended).
  const TrainingView forget(context.forget.images, context.forget.labels);
  TrainingOptions options = unlearning_training_options(context, steps);
  options.batch_size = context.forget.images.size(0);
  options.shuffle = false;
  TrainingSeams seams;
  seams.gradient_step = std::make_shared<MeanCrossEntropy>(/*sign=*/-1.0);
  train_classifier(*context.model, forget, context.forget.images, context.forget.labels, options, context.generator,
                   nullptr, AugmentationOptions{}, seams);
}

}  // namespace ufm
