// The one-run auditor: guesses from the scores alone, counted against the coins, with a
// valid p-value under independent coins.
#include "audit/one_run_audit.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/error.h"
#include "core/statistics.h"

namespace ufm {
namespace {

// Property: scores that reveal every coin make every guess right, with p = 2^−r.
TEST(OneRunAudit, RevealingScoresGetEveryGuessRight) {
  std::vector<double> scores;
  std::vector<bool> stamped;
  for (int j = 0; j < 100; ++j) {
    stamped.push_back(j % 3 == 0);
    scores.push_back(stamped.back() ? 5.0 + j : -5.0 - j);
  }
  const OneRunGuesses g = one_run_guesses(scores, stamped, 20, 30, 1e-5);
  EXPECT_EQ(g.guesses, 50);
  EXPECT_EQ(g.correct, 50);
  EXPECT_EQ(g.positive_correct, 20);
  EXPECT_NEAR(g.p_value, std::pow(0.5, 50), 1e-25);
  EXPECT_GT(g.epsilon_lower, 1.0);
}

// Property: under the null (scores independent of the coins) the p-value rejects at 5 % in
// at most 5 % of 2,000 simulated audits (plus three binomial standard errors).
TEST(OneRunAudit, NullAuditsRejectAtTheirLevel) {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::bernoulli_distribution coin(0.5);
  const int audits = 2000;
  int rejected = 0;
  for (int a = 0; a < audits; ++a) {
    std::vector<double> scores;
    std::vector<bool> stamped;
    for (int j = 0; j < 200; ++j) {
      scores.push_back(normal(rng));
      stamped.push_back(coin(rng));
    }
    rejected += one_run_guesses(scores, stamped, 25, 25, 0.0).p_value < 0.05;
  }
  EXPECT_LE(static_cast<double>(rejected) / audits, 0.05 + 3.0 * std::sqrt(0.05 * 0.95 / audits));
  EXPECT_GT(rejected, 0);
}

// Property: standardising per label stops a label with larger raw scores from taking every
// "stamped" guess: after it, each label's scores have mean 0 and sd 1.
TEST(OneRunAudit, StandardisingPerLabelCentresEachLabel) {
  const std::vector<double> scores = {10, 11, 12, 0, 1, 2, std::nan("")};
  const std::vector<std::int64_t> labels = {1, 1, 1, 0, 0, 0, 0};
  const std::vector<double> z = standardise_per_label(scores, labels);
  EXPECT_DOUBLE_EQ(z[0], -1.0);
  EXPECT_DOUBLE_EQ(z[2], 1.0);
  EXPECT_DOUBLE_EQ(z[3], -1.0);
  EXPECT_DOUBLE_EQ(z[5], 1.0);
  EXPECT_TRUE(std::isnan(z[6]));
  EXPECT_THROW(standardise_per_label({1.0}, {}), RuntimeError);
}

// Property: equal scores are guessed in index order, never by the coins; more guesses
// than scored features are refused.
TEST(OneRunAudit, TiesFollowTheIndexAndTooManyGuessesAreRefused) {
  const std::vector<double> scores = {1, 1, 1, 1};
  const OneRunGuesses a = one_run_guesses(scores, {true, false, false, false}, 1, 0, 0.0);
  const OneRunGuesses b = one_run_guesses(scores, {false, true, false, false}, 1, 0, 0.0);
  EXPECT_EQ(a.correct, 1);
  EXPECT_EQ(b.correct, 0);
  EXPECT_THROW(one_run_guesses(scores, {true, true, true, true}, 3, 2, 0.0), RuntimeError);
  EXPECT_THROW(one_run_guesses(scores, {true}, 1, 0, 0.0), RuntimeError);
}

}  // namespace
}  // namespace ufm
