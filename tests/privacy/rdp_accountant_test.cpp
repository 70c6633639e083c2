// The RDP accountant against an independent Python reference (scipy), and the properties
// its formulas must have.
#include "privacy/rdp_accountant.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "privacy/accountant_golden.h"

namespace ufm {
namespace {

double relative(double a, double b) { return std::fabs(a - b) / std::max(1e-300, std::fabs(b)); }

// Property: per-step RDP equals the reference (closed form at integer orders, quadrature
// at fractional ones) to 1e-6 relative on a grid of q, σ and α.
TEST(RdpAccountant, SubsampledGaussianRdpMatchesTheScipyReference) {
  for (const auto& c : golden::kRdpCases) {
    const double mine = subsampled_gaussian_rdp(c.q, c.sigma, c.alpha);
    EXPECT_LT(relative(mine, c.rdp), 1e-6) << "q " << c.q << " sigma " << c.sigma << " alpha " << c.alpha << ": "
                                           << mine << " vs " << c.rdp;
  }
}

// Property: ε of a DP-SGD schedule equals the reference to 1e-3 relative for both
// neighbouring relations on a grid of (q, σ, T, δ), and replace never costs less than
// add/remove.
TEST(RdpAccountant, DpSgdEpsilonMatchesTheScipyReference) {
  for (const auto& c : golden::kEpsilonCases) {
    const RdpEpsilon add_remove = dp_sgd_epsilon_add_remove(c.q, c.sigma, c.steps, c.delta);
    const RdpEpsilon replace = dp_sgd_epsilon_replace(c.q, c.sigma, c.steps, c.delta);
    const std::string where = "q " + std::to_string(c.q) + " sigma " + std::to_string(c.sigma) + " T " +
                              std::to_string(c.steps) + " delta " + std::to_string(c.delta);
    EXPECT_LT(relative(add_remove.epsilon, c.add_remove), 1e-3) << where << ": " << add_remove.epsilon;
    EXPECT_LT(relative(replace.epsilon, c.replace), 1e-3) << where << ": " << replace.epsilon;
    EXPECT_GE(replace.epsilon, add_remove.epsilon) << where;
  }
}

// Property: the closed form and the numerical expectation agree at integer orders (the two
// code paths compute one quantity), and RDP grows with the order and with q.
TEST(RdpAccountant, ClosedFormAndQuadratureAgreeAndRdpIsMonotone) {
  for (double q : {0.004, 0.05}) {
    for (double sigma : {0.8, 1.5}) {
      for (double alpha : {2.0, 5.0, 12.0}) {
        const double closed = subsampled_gaussian_rdp(q, sigma, alpha);
        const double near = subsampled_gaussian_rdp(q, sigma, alpha + 1e-9);  // takes the quadrature
        EXPECT_LT(relative(near, closed), 1e-6) << q << " " << sigma << " " << alpha;
        EXPECT_LT(subsampled_gaussian_rdp(q, sigma, alpha), subsampled_gaussian_rdp(q, sigma, alpha + 0.5));
        EXPECT_LT(subsampled_gaussian_rdp(q, sigma, alpha), subsampled_gaussian_rdp(2 * q, sigma, alpha));
      }
    }
  }
}

// Property: the limits are the Gaussian mechanism's own: q = 1 gives α/(2σ²) (Mironov
// 2017, Prop. 7), q = 0 costs nothing, σ = 0 is not private.
TEST(RdpAccountant, LimitsAreTheGaussianMechanisms) {
  EXPECT_DOUBLE_EQ(subsampled_gaussian_rdp(1.0, 2.0, 3.0), 3.0 / 8.0);
  EXPECT_EQ(subsampled_gaussian_rdp(0.0, 1.0, 3.0), 0.0);
  EXPECT_TRUE(std::isinf(subsampled_gaussian_rdp(0.1, 0.0, 3.0)));
  EXPECT_EQ(dp_sgd_epsilon_add_remove(0.01, 1.0, 0, 1e-5).epsilon, 0.0);
  EXPECT_THROW(epsilon_from_rdp({2.0}, {0.1}, 1.0), RuntimeError);
  EXPECT_THROW(subsampled_gaussian_rdp(1.5, 1.0, 2.0), RuntimeError);
}

}  // namespace
}  // namespace ufm
