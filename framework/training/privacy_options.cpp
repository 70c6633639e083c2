#include "training/privacy_options.h"

namespace ufm {

const OptionTable<PrivacyOptions>& PrivacyOptions::options() {
  static const OptionTable<PrivacyOptions> table = [] {
    const PrivacyOptions unset;
    OptionTable<PrivacyOptions> t;
    t.add_late("enabled", &PrivacyOptions::enabled, "train with DP-SGD (clipped per-example gradients plus noise)",
               unset.enabled)
        .add_late("noise_multiplier", &PrivacyOptions::noise_multiplier,
                  "sigma: noise standard deviation in units of clip_norm", unset.noise_multiplier)
        .at_least(0)
        .add_late("clip_norm", &PrivacyOptions::clip_norm, "L2 norm each example's gradient is clipped to",
                  unset.clip_norm)
        .above(0)
        .add_late("sampling", &PrivacyOptions::sampling,
                  "poisson (each example in each step with probability batch_size/N) | shuffled (fixed-size "
                  "batches: no accounted guarantee)",
                  unset.sampling)
        .one_of({kSamplingPoisson, kSamplingShuffled})
        .add_late("neighbouring", &PrivacyOptions::neighbouring,
                  "neighbouring relation of the guarantee: replace (one example swapped, as stamping is) | add_remove",
                  unset.neighbouring)
        .one_of({kNeighbouringReplace, kNeighbouringAddRemove})
        .add_late("delta", &PrivacyOptions::delta, "delta of the (epsilon, delta) statements", unset.delta)
        .above(0)
        .below(1);
    return t;
  }();
  return table;
}

void PrivacyOptions::validate() const { check_options(options(), *this, kBlock); }

}  // namespace ufm
