#include "training/privacy_options.h"

#include "core/error.h"

namespace ufm {

const std::vector<std::string>& option_names(Sampling) {
  static const std::vector<std::string> names = {"poisson", "shuffled"};
  return names;
}

const std::vector<std::string>& option_names(Neighbouring) {
  static const std::vector<std::string> names = {"replace", "add_remove"};
  return names;
}

const std::vector<std::string>& option_names(NoiseTarget) {
  static const std::vector<std::string> names = {"none", "epsilon", "mu", "attack", "advantage"};
  return names;
}

const std::vector<std::string>& option_names(PrivateReferences) {
  static const std::vector<std::string> names = {"own_noise", "shared_noise"};
  return names;
}

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
        .add_late("neighbouring", &PrivacyOptions::neighbouring,
                  "neighbouring relation of the guarantee: replace (one example swapped, as stamping is) | add_remove",
                  unset.neighbouring)
        .add_late("delta", &PrivacyOptions::delta, "delta of the (epsilon, delta) statements", unset.delta)
        .above(0)
        .below(1)
        .add_late("target", &PrivacyOptions::target,
                  "calibrate sigma to a target instead: none | epsilon | mu | attack (TPR at attack_fpr) | advantage",
                  unset.target)
        .add_late("target_epsilon", &PrivacyOptions::target_epsilon, "target epsilon at delta (target: epsilon)",
                  unset.target_epsilon)
        .above(0)
        .add_late("target_mu", &PrivacyOptions::target_mu, "target mu-GDP (target: mu)", unset.target_mu)
        .above(0)
        .add_late("attack_tpr", &PrivacyOptions::attack_tpr,
                  "highest true-positive rate of a membership test allowed at attack_fpr (target: attack)",
                  unset.attack_tpr)
        .above(0)
        .below(1)
        .add_late("attack_fpr", &PrivacyOptions::attack_fpr, "false-positive rate of the attack target",
                  unset.attack_fpr)
        .above(0)
        .below(1)
        .add_late("target_advantage", &PrivacyOptions::target_advantage,
                  "highest advantage TPR - FPR allowed (target: advantage)", unset.target_advantage)
        .above(0)
        .below(1)
        .add_late("references", &PrivacyOptions::references,
                  "controls of DP runs: own_noise (shared initialisation, own masks and noise) | shared_noise "
                  "(seed-paired: cancels the noise)",
                  unset.references)
        .add_late("draw_stream", &PrivacyOptions::draw_stream,
                  "set by planning in run configs: stream of train.seed the run draws batches, masks and noise from "
                  "after initialisation (0 = the initialisation's)",
                  unset.draw_stream)
        .at_least(0);
    return t;
  }();
  return table;
}

void PrivacyOptions::validate() const {
  check_options(options(), *this, kBlock);
  UFM_CHECK(target != NoiseTarget::kAttack || attack_tpr > attack_fpr, ConfigError, "privacy.attack_tpr: ", attack_tpr,
            " is not above privacy.attack_fpr = ", attack_fpr,
            " (no test does worse than chance, so such a target cannot be met)");
}

}  // namespace ufm
