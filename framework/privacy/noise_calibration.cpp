#include "privacy/noise_calibration.h"

#include "core/error.h"
#include "privacy/gdp.h"

namespace ufm {

double PrivacyTarget::allowed_mu() const {
  if (kind == "attack") return gdp_mu_for_tpr(attack_tpr, attack_fpr);
  if (kind == "advantage") return gdp_mu_for_advantage(advantage);
  return mu;
}

Calibration calibrate_noise_multiplier(DpSgdSchedule schedule, const PrivacyTarget& target) {
  UFM_CHECK(target.kind == "epsilon" || target.kind == "mu" || target.kind == "attack" || target.kind == "advantage",
            ConfigError, "privacy.target: expected epsilon, mu, attack or advantage, got '", target.kind, "'");
  const double allowed_mu = target.kind == "epsilon" ? 0.0 : target.allowed_mu();
  auto account_at = [&](double sigma) {
    schedule.noise_multiplier = sigma;
    return account_dp_sgd(schedule);
  };
  auto meets = [&](const DpSgdAccount& account) {
    return target.kind == "epsilon" ? account.epsilon <= target.epsilon : account.mu <= allowed_mu;
  };
  double lo = 0.2, hi = 200.0;
  DpSgdAccount best = account_at(hi);
  UFM_CHECK(meets(best), ConfigError, "privacy.target: ", target.kind, " target ",
            target.kind == "epsilon" ? target.epsilon : allowed_mu, " is not met even with noise_multiplier 200 (",
            target.kind == "epsilon" ? "epsilon " + std::to_string(best.epsilon) : "mu " + std::to_string(best.mu),
            "); allow more privacy loss or fewer steps");
  Calibration result{hi, best};
  const DpSgdAccount at_lo = account_at(lo);
  if (meets(at_lo)) return {lo, at_lo};
  while (hi - lo > 1e-4 * hi) {
    const double mid = 0.5 * (lo + hi);
    const DpSgdAccount account = account_at(mid);
    if (meets(account)) {
      hi = mid;
      result = {mid, account};
    } else {
      lo = mid;
    }
  }
  return result;
}

}  // namespace ufm
