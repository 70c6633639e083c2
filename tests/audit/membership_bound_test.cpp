// ε and μ lower bounds from a membership test's counts against an independent Python
// reference (scipy), and the validity of the bounds over simulated audits of a mechanism
// whose privacy is known exactly.
#include "audit/membership_bound.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "audit/audit_golden.h"
#include "audit/threshold_audit.h"
#include "core/error.h"

namespace ufm {
namespace {

// Property: the Clopper–Pearson bounds and the ε and μ they imply equal scipy's to 1e-9.
TEST(MembershipBound, MatchesTheScipyReference) {
  for (const auto& c : golden::kMembershipCases) {
    const MembershipBound b =
        membership_bound(MembershipCounts{c.members, c.true_positives, c.non_members, c.false_positives}, c.delta);
    EXPECT_NEAR(b.fpr_upper, c.fpr_upper, 1e-9) << c.true_positives << "/" << c.members;
    EXPECT_NEAR(b.fnr_upper, c.fnr_upper, 1e-9) << c.true_positives << "/" << c.members;
    EXPECT_NEAR(b.epsilon_lower, c.epsilon_lower, 1e-8) << c.true_positives << "/" << c.members << " " << c.delta;
    EXPECT_NEAR(b.mu_lower, c.mu_lower, 1e-8) << c.true_positives << "/" << c.members;
    EXPECT_NEAR(b.tpr_lower, 1.0 - c.fnr_upper, 1e-9);
  }
}

// Property: a perfect test on 40 members and 40 non-members shows ε ≥ 2.34 at most (the
// design limit quoted in ../shared/privacy.md), and the limit grows with the guesses.
TEST(MembershipBound, PerfectAuditorLimitGrowsWithTheGuesses) {
  const MembershipBound forty = perfect_membership_bound(40, 40, 1e-5);
  EXPECT_NEAR(forty.epsilon_lower, std::log((1.0 - 1e-5 - forty.fnr_upper) / forty.fpr_upper), 1e-12);
  EXPECT_NEAR(forty.epsilon_lower, 2.34, 0.01);
  EXPECT_GT(perfect_membership_bound(400, 400, 1e-5).epsilon_lower, forty.epsilon_lower + 2.0);
  EXPECT_LT(perfect_membership_bound(8, 8, 1e-5).epsilon_lower, 0.6);
}

// Property: a test no better than chance bounds nothing, and counts beyond their range or a
// bad δ or confidence are refused.
TEST(MembershipBound, ChanceBoundsNothingAndBadInputIsRefused) {
  const MembershipBound chance = membership_bound(MembershipCounts{50, 25, 50, 25}, 1e-5);
  EXPECT_EQ(chance.epsilon_lower, 0.0);
  EXPECT_EQ(chance.mu_lower, 0.0);
  EXPECT_THROW(membership_bound(MembershipCounts{0, 0, 5, 1}, 1e-5), RuntimeError);
  EXPECT_THROW(membership_bound(MembershipCounts{5, 6, 5, 1}, 1e-5), RuntimeError);
  EXPECT_THROW(membership_bound(MembershipCounts{5, 5, 5, 1}, 1.0), RuntimeError);
  EXPECT_THROW(membership_bound(MembershipCounts{5, 5, 5, 1}, 1e-5, 1.0), RuntimeError);
}

// Property: the bounds are valid at 95 %. Members score N(μ, 1) and non-members N(0, 1), a
// μ-GDP mechanism exactly (Dong et al. 2022, Def. 2.7); over 2,000 simulated audits
// (threshold chosen on one half, counted on the other) the μ lower bound exceeds the true μ
// in at most 5 % (plus three binomial standard errors), and it is above zero often, so the
// check has power.
TEST(MembershipBound, SimulatedAuditsOfAGaussianMechanismRarelyExceedItsMu) {
  const double mu = 2.0;
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal(0.0, 1.0);
  const int audits = 2000, per_half = 30;
  int exceeded = 0, positive = 0;
  for (int a = 0; a < audits; ++a) {
    ScoredModels halves[2];
    for (auto& half : halves) {
      for (int i = 0; i < per_half; ++i) {
        half.members.push_back(mu + normal(rng));
        half.non_members.push_back(normal(rng));
      }
    }
    const ThresholdAudit audit = threshold_audit(halves[0], halves[1], 0.0);
    exceeded += audit.bound.mu_lower > mu;
    positive += audit.bound.mu_lower > 0.0;
  }
  const double limit = 0.05 + 3.0 * std::sqrt(0.05 * 0.95 / audits);
  EXPECT_LE(static_cast<double>(exceeded) / audits, limit);
  EXPECT_GT(static_cast<double>(positive) / audits, 0.5);
}

}  // namespace
}  // namespace ufm
