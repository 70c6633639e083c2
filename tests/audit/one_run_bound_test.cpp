// The one-run audit's p-value and ε lower bound (Steinke, Nasr, Jagielski 2023) against an
// independent Python reference (scipy), and their validity over simulated audits of
// randomised response, whose ε is known exactly.
#include "audit/one_run_bound.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "audit/audit_golden.h"
#include "core/error.h"
#include "core/statistics.h"

namespace ufm {
namespace {

// Property: the p-value equals scipy's to 1e-9 relative (1e-15 absolute for tiny ones).
TEST(OneRunBound, PValueMatchesTheScipyReference) {
  for (const auto& c : golden::kOneRunPCases) {
    const double p = one_run_p_value(c.canaries, c.guesses, c.correct, c.epsilon, c.delta);
    EXPECT_NEAR(p, c.p_value, std::max(1e-15, 1e-9 * c.p_value))
        << c.canaries << " " << c.guesses << " " << c.correct << " " << c.epsilon << " " << c.delta;
  }
}

// Property: the ε lower bound equals scipy's root to 1e-7.
TEST(OneRunBound, EpsilonLowerBoundMatchesTheScipyReference) {
  for (const auto& c : golden::kOneRunEpsilonCases) {
    EXPECT_NEAR(one_run_epsilon_lower_bound(c.canaries, c.guesses, c.correct, c.delta), c.epsilon_lower, 1e-7)
        << c.canaries << " " << c.guesses << " " << c.correct << " " << c.delta;
  }
}

// Property: at ε = δ = 0 the p-value is the exact binomial test of "no memorisation",
// P(Bin(r, ½) ≥ v), and the bound is 0 exactly when that test does not reject at 5 %.
TEST(OneRunBound, AtZeroItIsTheBinomialTest) {
  for (std::int64_t v = 0; v <= 40; v += 5) {
    const double binomial = binomial_test_greater(v, 40, 0.5).p_value;
    EXPECT_NEAR(one_run_p_value(1000, 40, v, 0.0, 0.0), binomial, 1e-12 + 1e-10 * binomial) << v;
    EXPECT_EQ(one_run_epsilon_lower_bound(1000, 40, v, 0.0) > 0.0, binomial < 0.05) << v;
  }
}

// Property: the bound is valid at 95 %. The guesses of ε₀-DP randomised response are right
// with probability e^ε₀/(1 + e^ε₀), the worst case of Steinke et al.'s theorem; over 2,000
// simulated audits of 200 guesses the bound exceeds ε₀ in at most 5 % (plus three binomial
// standard errors) and is above zero most of the time.
TEST(OneRunBound, SimulatedRandomisedResponseRarelyExceedsItsEpsilon) {
  const double epsilon = 1.0;
  const std::int64_t guesses = 200;
  std::mt19937_64 rng(3);
  std::bernoulli_distribution right(1.0 / (1.0 + std::exp(-epsilon)));
  const int audits = 2000;
  int exceeded = 0, positive = 0;
  for (int a = 0; a < audits; ++a) {
    std::int64_t correct = 0;
    for (std::int64_t g = 0; g < guesses; ++g) correct += right(rng);
    const double bound = one_run_epsilon_lower_bound(1000, guesses, correct, 0.0);
    exceeded += bound > epsilon;
    positive += bound > 0.0;
  }
  EXPECT_LE(static_cast<double>(exceeded) / audits, 0.05 + 3.0 * std::sqrt(0.05 * 0.95 / audits));
  EXPECT_GT(static_cast<double>(positive) / audits, 0.9);
}

// Property: δ > 0 only weakens the bound, and impossible counts are refused.
TEST(OneRunBound, DeltaWeakensTheBoundAndBadCountsAreRefused) {
  EXPECT_LE(one_run_epsilon_lower_bound(1000, 100, 80, 1e-4), one_run_epsilon_lower_bound(1000, 100, 80, 0.0));
  EXPECT_THROW(one_run_p_value(10, 20, 5, 0.0, 0.0), RuntimeError);  // more guesses than canaries
  EXPECT_THROW(one_run_p_value(100, 20, 21, 0.0, 0.0), RuntimeError);
  EXPECT_THROW(one_run_p_value(100, 20, 5, -1.0, 0.0), RuntimeError);
  EXPECT_THROW(one_run_epsilon_lower_bound(100, 20, 5, 1e-5, 1.5), RuntimeError);
}

}  // namespace
}  // namespace ufm
