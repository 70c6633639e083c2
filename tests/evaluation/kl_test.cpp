#include "evaluation/kl.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ufm {
namespace {

TEST(KlDivergence, IsZeroForIdenticalDistributions) {
  const float p[] = {0.1f, 0.6f, 0.3f};
  EXPECT_EQ(kl_divergence(p, p, 3), 0.0);
  const float with_zero[] = {0.0f, 1.0f, 0.0f};
  EXPECT_EQ(kl_divergence(with_zero, with_zero, 3), 0.0);
}

TEST(KlDivergence, IsPositiveForDifferentDistributions) {
  const float a[] = {0.1f, 0.6f, 0.3f};
  const float b[] = {0.3f, 0.3f, 0.4f};
  EXPECT_GT(kl_divergence(a, b, 3), 0.0);
  EXPECT_GT(kl_divergence(b, a, 3), 0.0);
}

TEST(KlDivergence, MatchesHandComputedThreeClassCase) {
  // 0.5 ln(0.5/0.25) + 0.25 ln(0.25/0.5) + 0.25 ln 1 = 0.25 ln 2 (all values exact in float).
  const float a[] = {0.5f, 0.25f, 0.25f};
  const float b[] = {0.25f, 0.5f, 0.25f};
  EXPECT_NEAR(kl_divergence(a, b, 3), 0.17328679513998632, 1e-15);
}

TEST(KlDivergence, ClipsZerosToOneInTenMillionLikeKeras) {
  const float onehot[] = {1.0f, 0.0f, 0.0f};
  const float half[] = {0.5f, 0.5f, 0.0f};
  // KL(onehot‖half): the zeros of both become 1e-7, so the third term vanishes and the
  // second is 1e-7 ln(1e-7 / 0.5).
  EXPECT_NEAR(kl_divergence(onehot, half, 3), std::log(2.0) + 1e-7 * std::log(1e-7 / 0.5), 1e-15);
  // KL(half‖onehot) would be infinite without clipping: 0.5 ln 0.5 + 0.5 ln(0.5 / 1e-7).
  const double reverse = kl_divergence(half, onehot, 3);
  EXPECT_TRUE(std::isfinite(reverse));
  EXPECT_NEAR(reverse, 0.5 * std::log(0.5) + 0.5 * std::log(0.5 / 1e-7), 1e-12);
  EXPECT_NEAR(reverse, 7.365900644919215, 1e-12);
}

TEST(KlOnehot, IsMinusLogOfTheLabelProbabilityPlusClippedTerms) {
  const float p[] = {0.5f, 0.25f, 0.25f};
  // 1·ln(1/0.5) + 1e-7 ln(1e-7/0.25) twice.
  const double expected = std::log(2.0) + 2e-7 * std::log(1e-7 / 0.25);
  EXPECT_NEAR(kl_onehot(0, p, 3), expected, 1e-15);
  EXPECT_NEAR(kl_onehot(0, p, 3), -std::log(0.5), 1e-5);
  EXPECT_NEAR(kl_onehot(1, p, 3), std::log(4.0) + 1e-7 * (std::log(1e-7 / 0.5) + std::log(1e-7 / 0.25)), 1e-15);
}

TEST(KlOnehot, EqualsKlDivergenceAgainstAnExplicitOnehot) {
  const float p[] = {0.05f, 0.0f, 0.9f, 0.05f};
  const float q[] = {0.0f, 0.0f, 1.0f, 0.0f};
  EXPECT_NEAR(kl_onehot(2, p, 4), kl_divergence(q, p, 4), 1e-15);
}

TEST(Entropy, IsLogKForUniformAndNearZeroForOnehot) {
  const float uniform[] = {0.25f, 0.25f, 0.25f, 0.25f};
  EXPECT_NEAR(entropy(uniform, 4), std::log(4.0), 1e-15);
  const float onehot[] = {0.0f, 1.0f, 0.0f, 0.0f};
  // Three clipped zeros contribute −1e-7 ln 1e-7 each.
  EXPECT_NEAR(entropy(onehot, 4), -3e-7 * std::log(1e-7), 1e-18);
}

}  // namespace
}  // namespace ufm
