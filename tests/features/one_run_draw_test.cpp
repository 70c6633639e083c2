// The draws of a one-run audit: distinct images, one feature each, fair coins, each from its
// own stream, and refusals of what cannot be audited.
#include "features/one_run_draw.h"

#include <gtest/gtest.h>

#include <set>

#include "core/error.h"

namespace ufm {
namespace {

FeatureOptions random_features() {
  FeatureOptions options;
  options.pattern = "random";
  return options;
}

// Property: m distinct in-range images with m distinct features, the same on every call
// with the same seeds; about half the coins come up (1,000 fair coins: within 4.5 sd).
TEST(OneRunDraw, DistinctImagesOwnFeaturesAndFairCoins) {
  const OneRunDraw draw = draw_one_run(random_features(), 1000, 123, 0, 60000);
  ASSERT_EQ(draw.images.size(), 1000u);
  const std::set<std::int64_t> images(draw.images.begin(), draw.images.end());
  EXPECT_EQ(images.size(), 1000u);
  EXPECT_GE(*images.begin(), 0);
  EXPECT_LT(*images.rbegin(), 60000);
  std::set<std::string> features;
  for (const auto& f : draw.features) features.insert(f.to_string());
  EXPECT_GT(features.size(), 990u);  // 25 random bits: a few repeats at most
  std::int64_t heads = 0;
  for (bool coin : draw.stamped) heads += coin;
  EXPECT_NEAR(static_cast<double>(heads), 500.0, 4.5 * std::sqrt(250.0));
  const OneRunDraw again = draw_one_run(random_features(), 1000, 123, 0, 60000);
  EXPECT_EQ(again.images, draw.images);
  EXPECT_EQ(again.stamped, draw.stamped);
}

// Property: the coins come from the coin seed alone: another coin seed changes the coins and
// keeps the images and features; another image seed changes the images and keeps the coins.
TEST(OneRunDraw, CoinsImagesAndFeaturesHaveTheirOwnStreams) {
  const OneRunDraw draw = draw_one_run(random_features(), 200, 123, 0, 5000);
  const OneRunDraw other_coins = draw_one_run(random_features(), 200, 123, 1, 5000);
  EXPECT_EQ(other_coins.images, draw.images);
  EXPECT_EQ(other_coins.features.front().to_string(), draw.features.front().to_string());
  EXPECT_NE(other_coins.stamped, draw.stamped);
  const OneRunDraw other_images = draw_one_run(random_features(), 200, 124, 0, 5000);
  EXPECT_NE(other_images.images, draw.images);
  EXPECT_EQ(other_images.stamped, draw.stamped);
}

// Property: more canaries than training images, or a feature shared by every canary, is
// refused with a line naming the key.
TEST(OneRunDraw, RefusesMoreCanariesThanImagesAndNonRandomFeatures) {
  EXPECT_THROW(draw_one_run(random_features(), 101, 1, 0, 100), ConfigError);
  FeatureOptions letter;
  letter.pattern = "A";
  try {
    draw_one_run(letter, 10, 1, 0, 100);
    FAIL() << "a letter feature was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("feature.pattern"), std::string::npos);
  }
}

}  // namespace
}  // namespace ufm
