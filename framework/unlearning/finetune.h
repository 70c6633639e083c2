#pragma once
/// Fine-tuning on the retain set: the simplest unlearning baseline (../shared/privacy.md,
/// "Unlearning"): unlearning.epochs epochs over every training image but the forget set,
/// at unlearning.learning_rate. The forgotten images are dropped from their batches, every
/// other batch is as in training.
#include "unlearning/unlearning_method.h"

namespace ufm {

class FineTune : public UnlearningMethod {
 public:
  void unlearn(UnlearningContext& context) const override;
};

}  // namespace ufm
