#include "unlearning/unlearning_method.h"

#include "training/trainer.h"
#include "unlearning/finetune.h"
#include "unlearning/localized_reset.h"
#include "unlearning/neg_grad.h"
#include "unlearning/neg_grad_plus.h"

namespace ufm {

TrainingOptions unlearning_training_options(const UnlearningContext& context, std::int64_t epochs) {
  TrainingOptions options = context.train;
  options.max_epochs = epochs;
  options.learning_rate = context.options.learning_rate;
  options.early_stopping = false;
  return options;
}

void finetune_on_retain_set(UnlearningContext& context, std::int64_t epochs) {
  if (epochs == 0) return;
  TrainingView retain = *context.training;
  retain.set_removed(context.forget.indices);
  train_classifier(*context.model, retain, context.validation_images, context.validation_labels,
                   unlearning_training_options(context, epochs), context.generator);
}

UnlearningRegistry& unlearning_registry() {
  static UnlearningRegistry registry = [] {
    UnlearningRegistry r("unlearning method");
    r.add("finetune", "fine-tune on the retain set for unlearning.epochs epochs",
          [] { return std::make_shared<FineTune>(); });
    r.add("neggrad", "gradient ascent on the forget set's loss for unlearning.steps steps (NegGrad)",
          [] { return std::make_shared<NegGrad>(); });
    r.add("neggrad_plus",
          "unlearning.epochs over the retain set, each step descending the batch's loss and ascending the forget "
          "set's (weight unlearning.ascent_weight) (NegGrad+)",
          [] { return std::make_shared<NegGradPlus>(); });
    r.add("localized",
          "reset the unlearning.reset_fraction of weights most salient to the forget set's loss (|dL/dw * w|), "
          "then fine-tune on the retain set for unlearning.epochs epochs",
          [] { return std::make_shared<LocalizedReset>(); });
    return r;
  }();
  return registry;
}

}  // namespace ufm
