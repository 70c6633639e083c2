// Gaussian DP: the profile, the attack bounds and the dominating μ against an independent
// Python reference (scipy.stats.norm), and the identities between them.
#include "privacy/gdp.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "privacy/accountant_golden.h"
#include "privacy/dp_sgd_account.h"
#include "privacy/rdp_accountant.h"

namespace ufm {
namespace {

double relative(double a, double b) { return std::fabs(a - b) / std::max(1e-300, std::fabs(b)); }

// Property: δ_μ(ε), the largest TPR at an FPR and the largest advantage equal scipy's to
// 1e-9 relative (absolute below 1e-300), and solving for μ inverts the attack bounds.
TEST(Gdp, ProfileAndAttackBoundsMatchTheScipyReference) {
  for (const auto& c : golden::kGdpCases) {
    if (c.delta > 1e-300) {
      EXPECT_LT(relative(gdp_delta(c.mu, c.epsilon), c.delta), 1e-9) << c.mu << " " << c.epsilon;
    }
    EXPECT_LT(relative(gdp_max_tpr(c.mu, c.fpr), c.tpr), 1e-9) << c.mu;
    EXPECT_LT(relative(gdp_max_advantage(c.mu), c.advantage), 1e-9) << c.mu;
    EXPECT_NEAR(gdp_mu_for_tpr(c.tpr, c.fpr), c.mu, 1e-7 * c.mu);
    EXPECT_NEAR(gdp_mu_for_advantage(c.advantage), c.mu, 1e-7 * c.mu);
  }
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-12);
  EXPECT_THROW(gdp_mu_for_tpr(0.01, 0.01), RuntimeError);  // a test no better than chance
}

// Property: the μ whose GDP profile dominates the RDP profile of a DP-SGD schedule equals the
// reference's to 1e-6 relative for add/remove and is at most it for replace-one (the profile
// is also bounded by 2μ-GDP, so the smallest dominating μ can only fall); the tight account's
// μ is at most the RDP one; the CLT approximation equals
// Bu et al.'s formula, and the dominating μ really lies on or above the profile.
TEST(Gdp, DominatingMuOfDpSgdMatchesTheScipyReference) {
  for (const auto& c : golden::kMuCases) {
    for (bool replace : {false, true}) {
      DpSgdSchedule schedule;
      schedule.sampling_rate = c.q;
      schedule.noise_multiplier = c.sigma;
      schedule.steps_planned = schedule.steps_taken = c.steps;
      schedule.replace = replace;
      const DpSgdAccount account = account_dp_sgd(schedule, Accountant::kRdp);
      if (replace) {
        EXPECT_LE(account.mu, c.mu_replace * (1 + 1e-6)) << c.q << " " << c.sigma << " " << c.steps;
      } else {
        EXPECT_LT(relative(account.mu, c.mu_add_remove), 1e-6) << c.q << " " << c.sigma << " " << c.steps;
      }
      if (c.steps <= 1000) {
        EXPECT_LE(account_dp_sgd(schedule).mu, account.mu * (1 + 1e-9));
      }
      EXPECT_LT(relative(account.mu_clt, replace ? c.mu_clt_replace : c.mu_clt), replace ? 1e-9 : 1e-12);
      // Add/remove: μ lies on or above the profile it dominates. Replace-one: μ is at most
      // twice the add/remove μ (GDP group privacy), which may lie below the looser
      // group-privacy profile of (ε, δ) statements.
      for (std::size_t i = 0; i < account.profile_epsilons.size() && !replace; ++i) {
        if (account.profile_deltas[i] < kGdpDeltaFloor) continue;
        EXPECT_GE(gdp_delta(account.mu, account.profile_epsilons[i]), account.profile_deltas[i]);
      }
      if (replace) {
        EXPECT_LE(account.mu, 2 * c.mu_add_remove * (1 + 1e-6));
      }
      // μ-GDP read back at δ is never tighter than the profile it dominates.
      EXPECT_GE(account.epsilon_of_mu, account.epsilon - 0.05);
    }
  }
}

// Property: δ(ε) and ε(δ) from RDP are one conversion read both ways.
TEST(Gdp, RdpProfileInvertsTheEpsilonConversion) {
  const std::vector<double> rdp = dp_sgd_rdp(0.01, 1.1, 2000);
  for (double delta : {1e-3, 1e-5, 1e-8}) {
    const RdpEpsilon e = epsilon_from_rdp(default_rdp_orders(), rdp, delta);
    EXPECT_LT(relative(delta_from_rdp(default_rdp_orders(), rdp, e.epsilon), delta), 1e-9);
  }
}

}  // namespace
}  // namespace ufm
