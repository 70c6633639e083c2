#include "features/inject.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "core/error.h"

namespace ufm {
namespace {

TEST(InjectFeature, ReplacesExactlyThePatternPixelsInEveryChannel) {
  at::Tensor images = at::full({2, 3, 8, 8}, 0.5);
  const Pattern a = letter_pattern('A');
  at::Tensor stamped = inject_feature(images, a, 1);
  for (int n = 0; n < 2; ++n) {
    for (int c = 0; c < 3; ++c) {
      for (int y = 0; y < 8; ++y) {
        for (int x = 0; x < 8; ++x) {
          const float value = stamped[n][c][y][x].item<float>();
          const bool inside = y >= 1 && y < 6 && x >= 1 && x < 6;
          const float expected = inside ? static_cast<float>(a.at(y - 1, x - 1)) : 0.5f;
          ASSERT_EQ(value, expected) << "n=" << n << " c=" << c << " y=" << y << " x=" << x;
        }
      }
    }
  }
  EXPECT_TRUE(images.eq(0.5).all().item<bool>()) << "the input must not be modified";
}

TEST(InjectFeature, WorksOnASingleImageAtAnyOffset) {
  at::Tensor image = at::zeros({1, 10, 10});
  at::Tensor stamped = inject_feature(image, pattern_from_matrix({{1, 1}, {1, 1}}), 8);
  EXPECT_EQ(stamped.sum().item<float>(), 4.0f);
  EXPECT_EQ(stamped[0][9][9].item<float>(), 1.0f);
}

TEST(InjectFeature, RejectsAPatternThatDoesNotFit) {
  at::Tensor image = at::zeros({1, 6, 6});
  EXPECT_THROW(inject_feature(image, letter_pattern('A'), 2), ConfigError);
  EXPECT_NO_THROW(inject_feature(image, letter_pattern('A'), 1));
}

TEST(InjectPatches, WritesPatchIIntoImageI) {
  at::Tensor images = at::full({3, 1, 7, 7}, 0.25);
  const auto patches = random_patches(3, 5, 5, 9);
  at::Tensor stamped = inject_patches(images, patches, 1);
  for (int n = 0; n < 3; ++n) {
    at::Tensor expected = inject_feature(images[n], patches[static_cast<std::size_t>(n)], 1);
    EXPECT_TRUE(stamped[n].equal(expected)) << "image " << n;
  }
}

TEST(InjectPatches, RejectsACountMismatch) {
  at::Tensor images = at::zeros({3, 1, 7, 7});
  EXPECT_THROW(inject_patches(images, random_patches(2, 5, 5, 0), 1), RuntimeError);
}

}  // namespace
}  // namespace ufm
