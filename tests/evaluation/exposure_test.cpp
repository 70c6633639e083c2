// Ranks, p-values and exposure among candidates, and their null distribution.
#include "evaluation/exposure.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/error.h"
#include "core/statistics.h"

namespace ufm {
namespace {

TEST(RankAmongCandidates, TheTopScoreHasRankOneAndFullExposure) {
  const ExposureRank rank = rank_among_candidates(5.0, {1.0, 2.0, 3.0});
  EXPECT_EQ(rank.rank, 1);
  EXPECT_EQ(rank.candidates, 3);
  EXPECT_DOUBLE_EQ(rank.p_value, 0.25);
  EXPECT_DOUBLE_EQ(rank.exposure, 2.0);
}

TEST(RankAmongCandidates, TheBottomScoreHasPOneAndNoExposure) {
  const ExposureRank rank = rank_among_candidates(-1.0, {1.0, 2.0, 3.0});
  EXPECT_EQ(rank.rank, 4);
  EXPECT_DOUBLE_EQ(rank.p_value, 1.0);
  EXPECT_DOUBLE_EQ(rank.exposure, 0.0);
}

TEST(RankAmongCandidates, TiesCountAgainstTheFeature) {
  const ExposureRank rank = rank_among_candidates(2.0, {2.0, 1.0, 2.0});
  EXPECT_EQ(rank.rank, 3);
  EXPECT_DOUBLE_EQ(rank.p_value, 0.75);
  EXPECT_NEAR(rank.exposure, 2.0 - std::log2(3.0), 1e-12);
}

TEST(RankAmongCandidates, UndefinedWithoutAFeatureScore) {
  const ExposureRank rank = rank_among_candidates(std::nan(""), {1.0});
  EXPECT_EQ(rank.rank, 0);
  EXPECT_TRUE(std::isnan(rank.p_value));
  EXPECT_TRUE(std::isnan(rank.exposure));
  EXPECT_THROW(rank_among_candidates(1.0, {}), RuntimeError);
  EXPECT_THROW(rank_first({1.0}), RuntimeError);
}

TEST(RankFirst, RanksElementZeroAmongTheRest) {
  EXPECT_EQ(rank_first({0.5, 1.0, 0.0, 2.0}).rank, 3);
  EXPECT_EQ(difference({3.0, 1.0}, {1.0, 2.0}), (std::vector<double>{2.0, -1.0}));
  EXPECT_THROW(difference({1.0}, {}), RuntimeError);
}

// Simulated null: the feature's score and its C candidates' scores are exchangeable (i.i.d.
// here, as when the feature is drawn from the candidate space and the model never saw it),
// so rank/(C+1) is uniform on {1/(C+1), ..., 1}.
std::vector<double> simulated_p_values(std::int64_t models, std::int64_t candidates, double signal, std::uint64_t seed) {
  std::mt19937_64 generator(seed);
  std::normal_distribution<double> noise(0.0, 1.0);
  std::vector<double> p;
  for (std::int64_t m = 0; m < models; ++m) {
    const double feature = noise(generator) + signal;
    std::vector<double> others(static_cast<std::size_t>(candidates));
    for (auto& v : others) v = noise(generator);
    p.push_back(rank_among_candidates(feature, others).p_value);
  }
  return p;
}

TEST(RankPValue, IsUniformUnderASimulatedNull) {
  const std::vector<double> p = simulated_p_values(2000, 999, 0.0, 17);
  const TestResult ks = ks_uniform(p);
  EXPECT_GT(ks.p_value, 0.01) << "KS D = " << ks.statistic;
  EXPECT_LT(ks.statistic, 0.04);
  std::int64_t below = 0;
  for (double v : p) below += v <= 0.05 ? 1 : 0;
  // P(p <= 0.05) = 50/1000 exactly under the null; 2000 draws give a 95 % CI of about ±0.01.
  EXPECT_NEAR(static_cast<double>(below) / 2000.0, 0.05, 0.015);
}

TEST(RankPValue, IsFarFromUniformWhenTheFeatureIsMemorised) {
  const std::vector<double> p = simulated_p_values(200, 999, 2.0, 18);
  EXPECT_LT(ks_uniform(p).p_value, 1e-6);
}

TEST(RankPValue, WithFewCandidatesIsStillExactlyUniformOnItsGrid) {
  // C = 4: p takes 0.2, 0.4, ..., 1.0, each with probability 1/5.
  const std::vector<double> p = simulated_p_values(5000, 4, 0.0, 19);
  std::vector<int> counts(5, 0);
  for (double v : p) ++counts[static_cast<std::size_t>(std::lround(v * 5.0)) - 1];
  for (int count : counts) EXPECT_NEAR(count / 5000.0, 0.2, 0.02);
}

}  // namespace
}  // namespace ufm
