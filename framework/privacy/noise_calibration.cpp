#include "privacy/noise_calibration.h"

#include "core/error.h"
#include "privacy/gdp.h"

namespace ufm {

double PrivacyTarget::allowed_mu() const {
  if (kind == Kind::kAttack) return gdp_mu_for_tpr(attack_tpr, attack_fpr);
  if (kind == Kind::kAdvantage) return gdp_mu_for_advantage(advantage);
  return mu;
}

const std::vector<std::string>& option_names(PrivacyTarget::Kind) {
  static const std::vector<std::string> names = {"epsilon", "mu", "attack", "advantage"};
  return names;
}

Calibration calibrate_noise_multiplier(DpSgdSchedule schedule, const PrivacyTarget& target) {
  const bool epsilon_target = target.kind == PrivacyTarget::Kind::kEpsilon;
  const double allowed_mu = epsilon_target ? 0.0 : target.allowed_mu();
  auto account_at = [&](double sigma, Accountant accountant) {
    schedule.noise_multiplier = sigma;
    return account_dp_sgd(schedule, accountant);
  };
  auto meets = [&](const DpSgdAccount& account) {
    return epsilon_target ? account.epsilon <= target.epsilon : account.mu <= allowed_mu;
  };
  // Bisection on σ keeping the σ that meets the target, ε and μ falling as σ grows.
  auto bisect = [&](double lo, double hi, Calibration best, Accountant accountant, double tolerance) {
    while (hi - lo > tolerance * hi) {
      const double mid = 0.5 * (lo + hi);
      const DpSgdAccount account = account_at(mid, accountant);
      if (meets(account)) {
        hi = mid;
        best = {mid, account};
      } else {
        lo = mid;
      }
    }
    return best;
  };
  constexpr double kLowest = 0.2, kHighest = 200.0;
  const DpSgdAccount at_highest = account_at(kHighest, Accountant::kRdp);
  UFM_CHECK(meets(at_highest), ConfigError, "privacy.target: ", option_name(target.kind), " target ",
            epsilon_target ? target.epsilon : allowed_mu, " is not met even with noise_multiplier 200 (",
            epsilon_target ? "epsilon " + std::to_string(at_highest.epsilon)
                                     : "mu " + std::to_string(at_highest.mu),
            "); allow more privacy loss or fewer steps");
  // RDP alone first (a fraction of a second an account): the tight guarantee is never looser, so the
  // RDP solution bounds the tight one from above.
  double rdp_sigma = kLowest;
  const DpSgdAccount rdp_lowest = account_at(kLowest, Accountant::kRdp);
  if (!meets(rdp_lowest)) rdp_sigma = bisect(kLowest, kHighest, {kHighest, at_highest}, Accountant::kRdp, 1e-4).noise_multiplier;
  // Then the reported (tight) guarantee, between half the RDP σ and the RDP σ, to 1e-3; where
  // half still meets it (replace-one, whose RDP bound is group privacy, can be that loose),
  // the bracket is halved again until its low end misses.
  Calibration best{rdp_sigma, account_at(rdp_sigma, Accountant::kTight)};
  double lo = std::max(kLowest, 0.5 * rdp_sigma);
  while (lo < best.noise_multiplier) {
    const DpSgdAccount tight_lo = account_at(lo, Accountant::kTight);
    if (!meets(tight_lo)) break;
    best = {lo, tight_lo};
    lo = std::max(kLowest, 0.5 * lo);
  }
  if (lo >= best.noise_multiplier) return best;
  return bisect(lo, best.noise_multiplier, best, Accountant::kTight, 1e-3);
}

}  // namespace ufm
