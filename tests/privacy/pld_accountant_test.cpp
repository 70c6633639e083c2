// The PLD accountant: its bracket holds the exact profile where one is known (the composed
// Gaussian mechanism; one subsampled step against scipy's quadrature), its guarantee never
// exceeds RDP's, and the stated errors are what the bracket shows.
#include "privacy/pld_accountant.h"

#include <gtest/gtest.h>

#include <cmath>

#include "privacy/accountant_golden.h"
#include "privacy/dp_sgd_account.h"
#include "privacy/gdp.h"
#include "privacy/rdp_accountant.h"

namespace ufm {
namespace {

// Property: T steps of the Gaussian mechanism (q = 1) are exactly √T/σ-GDP (Dong et al. 2022,
// Cor. 3.3), and the PLD bracket δ_lower ≤ δ_μ(ε) ≤ δ_upper holds at every ε, with the
// reported ε at δ within the stated error T·h above the exact one.
TEST(PldAccountant, BracketsTheComposedGaussianMechanism) {
  for (const auto& [sigma, steps] : std::vector<std::pair<double, std::int64_t>>{{10.0, 100}, {2.0, 4}, {0.7, 1}}) {
    const SubsampledGaussianPld pld(1.0, sigma, steps);
    const double mu = std::sqrt(static_cast<double>(steps)) / sigma;
    for (double e : {0.0, 0.3, 1.0, 2.0, 4.0}) {
      const double exact = gdp_delta(mu, e);
      EXPECT_LE(pld.delta_lower(e), exact * (1 + 1e-9) + 1e-14) << sigma << " " << steps << " " << e;
      EXPECT_GE(pld.delta_upper(e), exact * (1 - 1e-9)) << sigma << " " << steps << " " << e;
    }
    const double exact_epsilon = [&] {
      double lo = 0.0, hi = 100.0;
      for (int i = 0; i < 200; ++i) ((gdp_delta(mu, 0.5 * (lo + hi)) > 1e-5) ? lo : hi) = 0.5 * (lo + hi);
      return hi;
    }();
    EXPECT_GE(pld.epsilon(1e-5), exact_epsilon - 1e-9);
    EXPECT_LE(pld.epsilon(1e-5), exact_epsilon + pld.epsilon_error() + 1e-9);
    EXPECT_LE(pld.epsilon_lower(1e-5), exact_epsilon + 1e-9);
    EXPECT_LE(pld.epsilon_error(), 0.01 + 1e-12);  // the default resolution
  }
}

// Property: one Poisson-subsampled Gaussian step (both directions) agrees with the scipy
// reference's hockey-stick integral to 5e-3 relative at h = 3e-5, and lies inside the bracket.
TEST(PldAccountant, OneSubsampledStepMatchesTheScipyReference) {
  PldOptions fine;
  fine.epsilon_resolution = 3e-5;
  for (const auto& c : golden::kOneStepCases) {
    const SubsampledGaussianPld pld(c.q, c.sigma, 1, fine);
    EXPECT_LE(pld.delta_lower(c.epsilon), c.delta * (1 + 1e-7)) << c.q << " " << c.sigma << " " << c.epsilon;
    EXPECT_GE(pld.delta_upper(c.epsilon), c.delta * (1 - 1e-7)) << c.q << " " << c.sigma << " " << c.epsilon;
    EXPECT_LT(std::fabs(pld.delta_upper(c.epsilon) - c.delta), 5e-3 * c.delta) << c.q << " " << c.sigma << " " << c.epsilon;
  }
}

// Property: on a grid of (q, σ, T, δ) the PLD guarantee never exceeds RDP's (the issue's
// check "at the stated discretisation"), its bracket is ordered and no wider than T·h.
TEST(PldAccountant, NeverLooserThanRdpOnAGrid) {
  for (double q : {0.004, 0.05}) {
    for (double sigma : {0.8, 2.0}) {
      for (std::int64_t steps : {10, 1000}) {
        const SubsampledGaussianPld pld(q, sigma, steps);
        for (double delta : {1e-5, 1e-3}) {
          const double rdp = dp_sgd_epsilon_add_remove(q, sigma, steps, delta).epsilon;
          const double upper = pld.epsilon(delta), lower = pld.epsilon_lower(delta);
          EXPECT_LE(upper, rdp) << q << " " << sigma << " " << steps << " " << delta;
          EXPECT_LE(lower, upper);
          EXPECT_LE(upper - lower, pld.epsilon_error() * (1 + 1e-6));
          EXPECT_LT(pld.truncated_mass(), 1e-12);
        }
      }
    }
  }
}

// Property: the run's account reports the smaller accountant, both relations: ε = min(PLD,
// RDP), replace-one never below add/remove, and the stored μ-GDP curve dominates the stored
// profile wherever double precision can compare them.
TEST(PldAccountant, AccountReportsTheSmallerGuarantee) {
  for (bool replace : {false, true}) {
    DpSgdSchedule schedule;
    schedule.sampling_rate = 0.01;
    schedule.noise_multiplier = 1.0;
    schedule.steps_planned = schedule.steps_taken = 500;
    schedule.replace = replace;
    const DpSgdAccount account = account_dp_sgd(schedule);
    EXPECT_GT(account.epsilon_pld, 0.0);
    EXPECT_DOUBLE_EQ(account.epsilon, std::min(account.epsilon_pld, account.epsilon_rdp));
    EXPECT_LT(account.epsilon, account.epsilon_rdp);  // tight accounting pays off here
    EXPECT_LE(account.epsilon_add_remove, account.epsilon);
    EXPECT_LE(account.epsilon_add_remove_pld_lower, account.epsilon_add_remove_pld);
    ASSERT_EQ(account.profile_gdp_deltas.size(), account.profile_deltas.size());
    for (std::size_t i = 0; i < account.profile_deltas.size(); ++i) {
      if (account.profile_deltas[i] < kGdpDeltaFloor) continue;
      EXPECT_GE(account.profile_gdp_deltas[i], account.profile_deltas[i]) << account.profile_epsilons[i];
    }
  }
}

}  // namespace
}  // namespace ufm
