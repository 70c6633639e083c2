#include "privacy/dp_sgd_account.h"

#include <algorithm>
#include <cmath>

#include "privacy/gdp.h"
#include "privacy/rdp_accountant.h"

namespace ufm {
namespace {

std::vector<double> profile_grid() {
  std::vector<double> grid;
  for (int i = 0; i <= 600; ++i) grid.push_back(0.05 * i);
  return grid;
}

// ε at δ of μ-GDP: δ_μ(ε) falls in ε, so bisect.
double gdp_epsilon(double mu, double delta) {
  if (!std::isfinite(mu)) return mu;
  double lo = 0.0, hi = 1.0;
  while (gdp_delta(mu, hi) > delta && hi < 1e4) hi *= 2;
  for (int i = 0; i < 200 && hi - lo > 1e-12 * std::max(1.0, hi); ++i) {
    const double mid = 0.5 * (lo + hi);
    (gdp_delta(mu, mid) > delta ? lo : hi) = mid;
  }
  return hi;
}

}  // namespace

DpSgdAccount account_dp_sgd(const DpSgdSchedule& s) {
  auto epsilon = [&](std::int64_t steps, bool replace) {
    return replace ? dp_sgd_epsilon_replace(s.sampling_rate, s.noise_multiplier, steps, s.delta)
                   : dp_sgd_epsilon_add_remove(s.sampling_rate, s.noise_multiplier, steps, s.delta);
  };
  DpSgdAccount account;
  const RdpEpsilon planned = epsilon(s.steps_planned, s.replace);
  account.epsilon = planned.epsilon;
  account.order = planned.order;
  account.epsilon_add_remove = epsilon(s.steps_planned, false).epsilon;
  account.epsilon_ex_post = epsilon(s.steps_taken, s.replace).epsilon;
  account.validity = s.poisson ? "guarantee" : kShuffledNotAGuarantee;

  const std::vector<double>& orders = default_rdp_orders();
  const std::vector<double> rdp = dp_sgd_rdp(s.sampling_rate, s.noise_multiplier, s.steps_planned);
  auto add_remove_delta = [&](double e) { return delta_from_rdp(orders, rdp, e); };
  auto replace_delta = [&](double e) { return std::min(1.0, (1.0 + std::exp(e / 2)) * add_remove_delta(e / 2)); };
  account.profile_epsilons = profile_grid();
  std::vector<double> add_remove, replace;
  for (double e : account.profile_epsilons) {
    add_remove.push_back(add_remove_delta(e));
    replace.push_back(replace_delta(e));
  }
  account.profile_deltas = s.replace ? replace : add_remove;
  const double mu_add_remove = dominating_mu(account.profile_epsilons, add_remove);
  account.mu = s.replace ? std::min(2.0 * mu_add_remove, dominating_mu(account.profile_epsilons, replace))
                         : mu_add_remove;
  const double clt = dp_sgd_mu_clt(s.sampling_rate, s.noise_multiplier, s.steps_planned);
  account.mu_clt = s.replace ? 2.0 * clt : clt;
  account.epsilon_of_mu = gdp_epsilon(account.mu, s.delta);
  return account;
}

}  // namespace ufm
