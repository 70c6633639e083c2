#include "privacy/dp_sgd_account.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>

#include "privacy/gdp.h"
#include "privacy/pld_accountant.h"
#include "privacy/privacy_profile.h"
#include "privacy/rdp_accountant.h"

namespace ufm {
namespace {

// Replace-one from an add/remove profile by group privacy: replacing is removing one
// example and adding another, (ε₁, δ₁) → (2ε₁, (1 + e^{ε₁})δ₁) (Dwork & Roth 2014, Thm. 2.2).
double group_of_two(const std::function<double(double)>& add_remove, double epsilon) {
  return std::min(1.0, (1.0 + std::exp(epsilon / 2)) * add_remove(epsilon / 2));
}

// The account of one number of steps: the add/remove profile by RDP and, when asked, the
// PLD; for replace-one with the PLD also the substitution PLD itself.
struct ScheduleProfile {
  std::vector<double> rdp;
  std::optional<SubsampledGaussianPld> pld, substitution;
  double rdp_delta(double e) const { return delta_from_rdp(default_rdp_orders(), rdp, e); }
  double delta(double e) const { return pld ? std::min(pld->delta_upper(e), rdp_delta(e)) : rdp_delta(e); }
  // Replace-one: the smallest of three valid bounds, the substitution PLD, the add/remove
  // profile's group-privacy profile (never above RDP's own), and 2μ-GDP for the add/remove
  // μ (GDP group privacy, Dong, Roth, Su 2022, Thm. 2.14).
  double replace_delta(double e, double mu_add_remove) const {
    double d = std::min(group_of_two([this](double x) { return delta(x); }, e),
                        std::isfinite(mu_add_remove) ? gdp_delta(2.0 * mu_add_remove, e) : 1.0);
    return substitution ? std::min(d, substitution->delta_upper(e)) : d;
  }
};

ScheduleProfile schedule_profile(const DpSgdSchedule& s, std::int64_t steps, Accountant accountant) {
  ScheduleProfile profile;
  profile.rdp = dp_sgd_rdp(s.sampling_rate, s.noise_multiplier, steps);
  if (accountant == Accountant::kTight && steps > 0 && s.sampling_rate > 0.0 && s.noise_multiplier > 0.0) {
    profile.pld.emplace(s.sampling_rate, s.noise_multiplier, steps);
    if (s.replace) {
      profile.substitution.emplace(s.sampling_rate, s.noise_multiplier, steps, PldOptions{}, PldRelation::kSubstitution);
    }
  }
  return profile;
}

// ε at δ of the stated relation from a profile whose add/remove dominating μ is mu_ar.
double relation_epsilon(const ScheduleProfile& profile, bool replace, double mu_ar, double delta) {
  if (!replace) return smallest_epsilon([&](double e) { return profile.delta(e); }, delta);
  return smallest_epsilon([&](double e) { return profile.replace_delta(e, mu_ar); }, delta);
}

}  // namespace

DpSgdAccount account_dp_sgd(const DpSgdSchedule& s, Accountant accountant) {
  DpSgdAccount account;
  account.validity = s.poisson ? "guarantee" : kShuffledNotAGuarantee;
  auto rdp_epsilon = [&](std::int64_t steps, bool replace) {
    return replace ? dp_sgd_epsilon_replace(s.sampling_rate, s.noise_multiplier, steps, s.delta)
                   : dp_sgd_epsilon_add_remove(s.sampling_rate, s.noise_multiplier, steps, s.delta);
  };
  const RdpEpsilon planned = rdp_epsilon(s.steps_planned, s.replace);
  account.epsilon_rdp = planned.epsilon;
  account.order = planned.order;

  const ScheduleProfile profile = schedule_profile(s, s.steps_planned, accountant);
  account.profile_epsilons = profile_epsilon_grid();
  std::vector<double> add_remove, replace;
  for (double e : account.profile_epsilons) add_remove.push_back(profile.delta(e));
  const double mu_add_remove = dominating_mu(account.profile_epsilons, add_remove);
  for (double e : account.profile_epsilons) replace.push_back(profile.replace_delta(e, mu_add_remove));
  account.profile_deltas = s.replace ? replace : add_remove;
  account.mu = s.replace ? std::min(2.0 * mu_add_remove, dominating_mu(account.profile_epsilons, replace))
                         : mu_add_remove;
  for (double e : account.profile_epsilons) {
    account.profile_gdp_deltas.push_back(std::isfinite(account.mu) ? gdp_delta(account.mu, e) : 1.0);
  }

  account.epsilon_add_remove = s.replace ? rdp_epsilon(s.steps_planned, false).epsilon : planned.epsilon;
  account.epsilon = account.epsilon_rdp;
  if (profile.pld) {
    const SubsampledGaussianPld& pld = *profile.pld;
    account.epsilon_add_remove_pld = pld.epsilon(s.delta);
    account.epsilon_add_remove_pld_lower = pld.epsilon_lower(s.delta);
    account.pld_interval = pld.interval();
    account.pld_epsilon_error = pld.epsilon_error();
    account.pld_truncated_mass = pld.truncated_mass();
    account.epsilon_add_remove = std::min(account.epsilon_add_remove, account.epsilon_add_remove_pld);
    if (profile.substitution) {
      account.epsilon_replace_pld = profile.substitution->epsilon(s.delta);
      account.epsilon_replace_pld_lower = profile.substitution->epsilon_lower(s.delta);
      account.pld_truncated_mass = std::max(account.pld_truncated_mass, profile.substitution->truncated_mass());
    }
    account.epsilon_pld = s.replace ? relation_epsilon(profile, true, mu_add_remove, s.delta) : account.epsilon_add_remove_pld;
    account.epsilon = std::min(account.epsilon_rdp, account.epsilon_pld);
  }

  if (s.steps_taken == s.steps_planned) {
    account.epsilon_ex_post = account.epsilon;
  } else {
    const ScheduleProfile taken = schedule_profile(s, s.steps_taken, accountant);
    std::vector<double> taken_deltas;
    for (double e : account.profile_epsilons) taken_deltas.push_back(taken.delta(e));
    const double mu_taken = dominating_mu(account.profile_epsilons, taken_deltas);
    account.epsilon_ex_post = std::min(rdp_epsilon(s.steps_taken, s.replace).epsilon,
                                       relation_epsilon(taken, s.replace, mu_taken, s.delta));
  }
  account.mu_clt = s.replace ? dp_sgd_mu_clt_substitution(s.sampling_rate, s.noise_multiplier, s.steps_planned)
                             : dp_sgd_mu_clt(s.sampling_rate, s.noise_multiplier, s.steps_planned);
  account.epsilon_of_mu = std::isfinite(account.mu)
                              ? smallest_epsilon([&](double e) { return gdp_delta(account.mu, e); }, s.delta)
                              : account.mu;
  return account;
}

}  // namespace ufm
