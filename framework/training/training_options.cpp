#include "training/training_options.h"

#include "core/error.h"
#include "runtime/precision.h"
#include "training/optimizer.h"

namespace ufm {

const std::vector<std::string>& option_names(WeightDecayMode) {
  static const std::vector<std::string> names = {"l2", "decoupled"};
  return names;
}

const std::vector<std::string>& option_names(PrecisionChoice) {
  static const std::vector<std::string> names = {"fp32", "bf16", "auto"};
  return names;
}

Precision step_precision(PrecisionChoice choice) { return precision_from_name(option_name(choice)); }

PrecisionChoice precision_choice(Precision precision) {
  return precision == Precision::kBf16 ? PrecisionChoice::kBf16 : PrecisionChoice::kFp32;
}

const OptionTable<TrainingOptions>& TrainingOptions::options() {
  static const OptionTable<TrainingOptions> table = [] {
    OptionTable<TrainingOptions> t;
    t.add("seed", &TrainingOptions::seed, "seed of initialisation, batch order and every draw of a run")
        .add("optimizer", &TrainingOptions::optimizer, "optimiser: adam | sgd")
        .one_of([] { return optimizer_registry().names(); })
        .add("learning_rate", &TrainingOptions::learning_rate, "optimiser step size")
        .above(0)
        .add("beta1", &TrainingOptions::beta1, "Adam first-moment decay")
        .at_least(0)
        .below(1)
        .add("beta2", &TrainingOptions::beta2, "Adam second-moment decay")
        .at_least(0)
        .below(1)
        .add("epsilon", &TrainingOptions::epsilon, "Adam denominator epsilon")
        .above(0)
        .add("momentum", &TrainingOptions::momentum, "SGD momentum (ignored by Adam)")
        .at_least(0)
        .below(1)
        .add("weight_decay", &TrainingOptions::weight_decay, "weight decay on weight matrices and kernels (0 = none)")
        .at_least(0)
        .add("weight_decay_mode", &TrainingOptions::weight_decay_mode,
             "l2 (rate/2·|w|^2 in the loss) | decoupled (AdamW-style shrinkage)")
        .add("batch_size", &TrainingOptions::batch_size, "training images per step")
        .at_least(1)
        .add("max_epochs", &TrainingOptions::max_epochs, "upper bound on training epochs")
        .at_least(1)
        .add("shuffle", &TrainingOptions::shuffle, "shuffle the training set every epoch")
        .add("early_stopping", &TrainingOptions::early_stopping, "stop when validation loss stops improving")
        .add("patience", &TrainingOptions::patience, "epochs without improvement before stopping")
        .at_least(1)
        .add_late("precision", &TrainingOptions::precision,
                  "fp32 | bf16 | auto: the training step's matrix products and convolutions in bf16 with fp32 "
                  "accumulation, fp32 master weights, optimiser, loss and scoring (needs AVX512-BF16, AMX-BF16 "
                  "or a GPU); auto = bf16 where the machine has it and DP is off, else fp32, resolved before the "
                  "run's identity and logged",
                  PrecisionChoice::kFp32);
    return t;
  }();
  return table;
}

void TrainingOptions::validate() const { check_options(options(), *this, kBlock); }

}  // namespace ufm
