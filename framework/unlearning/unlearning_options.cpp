#include "unlearning/unlearning_options.h"

#include <algorithm>
#include <set>

#include "core/error.h"
#include "unlearning/unlearning_method.h"

namespace ufm {

const std::vector<std::string>& option_names(ResetTo) {
  static const std::vector<std::string> names = {"initial", "random"};
  return names;
}

std::vector<std::int64_t> UnlearningOptions::forget_set() const {
  std::vector<std::int64_t> indices;
  if (forget_index >= 0) indices.push_back(forget_index);
  for (std::int64_t index : extra_forget) {
    if (std::find(indices.begin(), indices.end(), index) == indices.end()) indices.push_back(index);
  }
  return indices;
}

const OptionTable<UnlearningOptions>& UnlearningOptions::options() {
  static const OptionTable<UnlearningOptions> table = [] {
    const UnlearningOptions unset;
    OptionTable<UnlearningOptions> t;
    t.add_late("method", &UnlearningOptions::method,
               "post-training unlearning of the canary's image: none | finetune (retain set) | neggrad (ascent on "
               "the forget set) | neggrad_plus (both) | localized (reset the most salient weights, then fine-tune)",
               unset.method)
        .one_of([] {
          std::vector<std::string> names{"none"};
          for (const auto& name : unlearning_registry().names()) names.push_back(name);
          return names;
        })
        .add_late("epochs", &UnlearningOptions::epochs,
                  "epochs of fine-tuning on the retain set (finetune, neggrad_plus, localized)", unset.epochs)
        .at_least(0)
        .add_late("steps", &UnlearningOptions::steps, "gradient-ascent steps on the forget set (neggrad)", unset.steps)
        .at_least(0)
        .add_late("learning_rate", &UnlearningOptions::learning_rate,
                  "learning rate of the unlearning optimiser (train.optimizer, fresh state)", unset.learning_rate)
        .above(0)
        .add_late("ascent_weight", &UnlearningOptions::ascent_weight,
                  "neggrad_plus: weight of the forget set's ascent term beside each retain batch's loss",
                  unset.ascent_weight)
        .at_least(0)
        .add_late("reset_fraction", &UnlearningOptions::reset_fraction,
                  "localized: fraction of parameter elements reset, largest forget-set saliency |dL/dw * w| first",
                  unset.reset_fraction)
        .at_least(0)
        .at_most(1)
        .add_late("reset_to", &UnlearningOptions::reset_to,
                  "localized: initial (the run's initial values) | random (a fresh draw of the initialiser)",
                  unset.reset_to)
        .add_late("retrain_reference", &UnlearningOptions::retrain_reference,
                  "also train reference (a): the model retrained with the forget images dropped from their batches",
                  unset.retrain_reference)
        .add_late("extra_forget", &UnlearningOptions::extra_forget,
                  "training indices forgotten beside the canary's image", unset.extra_forget)
        .add_late("forget_index", &UnlearningOptions::forget_index,
                  "set by planning in run configs: the pair's canary index that both unlearned models forget "
                  "(-1 in a point's config)",
                  unset.forget_index)
        .at_least(-1);
    return t;
  }();
  return table;
}

void UnlearningOptions::validate() const {
  check_options(options(), *this, kBlock);
  UFM_CHECK(reset_fraction == 0.0 || method == "localized", ConfigError, "unlearning.reset_fraction: ", reset_fraction,
            " is used by unlearning.method=localized only (method is '", method, "')");
  std::set<std::int64_t> seen;
  for (std::int64_t index : extra_forget) {
    UFM_CHECK(index >= 0, ConfigError, "unlearning.extra_forget: expected training indices >= 0, got ", index);
    UFM_CHECK(seen.insert(index).second, ConfigError, "unlearning.extra_forget: index ", index, " is listed twice");
  }
}

}  // namespace ufm
