#pragma once
/// NegGrad: gradient ascent on the forget set's mean cross-entropy for unlearning.steps steps
/// (one step = the whole forget set), with the run's optimiser at unlearning.learning_rate
/// (a common baseline; e.g. Golatkar et al. 2020, Kurmanji et al. 2023, "Towards unbounded
/// machine unlearning", where it is called NegGrad).
#include "unlearning/unlearning_method.h"

namespace ufm {

class NegGrad : public UnlearningMethod {
 public:
  void unlearn(UnlearningContext& context) const override;
};

}  // namespace ufm
