#include "training/augmentation.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include "core/error.h"

namespace ufm {
namespace {

at::Generator generator(std::uint64_t seed) { return at::make_generator<at::CPUGeneratorImpl>(seed); }

AugmentationOptions enabled() {
  AugmentationOptions options;
  options.enabled = true;
  return options;
}

at::Tensor images(std::int64_t batch, std::int64_t channels, std::int64_t size, std::uint64_t seed = 1) {
  at::Generator g = generator(seed);
  return at::randn({batch, channels, size, size}, g);
}

TEST(Augmentation, DisabledReturnsTheImagesUnchanged) {
  at::Generator g = generator(1);
  const at::Tensor x = images(4, 1, 28);
  EXPECT_TRUE(augment_batch(x, AugmentationOptions{}, g).equal(x));
}

TEST(Augmentation, KeepsTheShapeAndChangesEveryImage) {
  for (std::int64_t channels : {1, 3}) {
    const std::int64_t size = channels == 1 ? 28 : 32;
    SCOPED_TRACE(channels);
    at::Generator g = generator(2);
    const at::Tensor x = images(6, channels, size);
    at::Tensor y = augment_batch(x, enabled(), g);
    EXPECT_EQ(y.sizes(), x.sizes());
    for (std::int64_t i = 0; i < 6; ++i) EXPECT_FALSE(y[i].equal(x[i])) << i;
  }
}

TEST(Augmentation, IsDeterministicGivenTheGeneratorState) {
  const at::Tensor x = images(5, 3, 32);
  at::Generator a = generator(3), b = generator(3), c = generator(4);
  at::Tensor ya = augment_batch(x, enabled(), a);
  at::manual_seed(99);  // the global generator must not matter
  EXPECT_TRUE(ya.equal(augment_batch(x, enabled(), b)));
  EXPECT_FALSE(ya.equal(augment_batch(x, enabled(), c)));
  // The draws advance the caller's generator: the next batch is augmented differently.
  EXPECT_FALSE(ya.equal(augment_batch(x, enabled(), a)));
}

TEST(Augmentation, ContrastKeepsEachImagesChannelMeansAndScalesDeviations) {
  AugmentationOptions options = enabled();
  options.crop = 28;  // no crop and no flip: contrast alone
  options.horizontal_flip_for_colour = false;
  const at::Tensor x = images(8, 3, 28);
  at::Generator g = generator(5);
  at::Tensor y = augment_batch(x, options, g);
  const at::Tensor mean_x = x.mean({2, 3}, true), mean_y = y.mean({2, 3}, true);
  EXPECT_TRUE(at::allclose(mean_y, mean_x, 1e-5, 1e-5));
  // y − mean = f·(x − mean) with one factor per image, in [0.8, 1.2], not all equal.
  const at::Tensor factor = ((y - mean_y).norm(2, {1, 2, 3}) / (x - mean_x).norm(2, {1, 2, 3}));
  EXPECT_TRUE(at::allclose(y - mean_y, factor.view({8, 1, 1, 1}) * (x - mean_x), 1e-4, 1e-5));
  EXPECT_GE(factor.min().item<double>(), 0.8 - 1e-6);
  EXPECT_LE(factor.max().item<double>(), 1.2 + 1e-6);
  EXPECT_GT((factor.max() - factor.min()).item<double>(), 0.01);
}

TEST(Augmentation, CropAndResizeOfAConstantImageIsConstant) {
  for (std::int64_t channels : {1, 3}) {
    SCOPED_TRACE(channels);
    const at::Tensor x = at::full({3, channels, 28, 28}, -0.7);
    at::Generator g = generator(6);
    at::Tensor y = augment_batch(x, enabled(), g);
    EXPECT_TRUE(at::allclose(y, x, 1e-5, 1e-6));
  }
}

TEST(Augmentation, CropResizesAWindowBackToTheFullSize) {
  // A horizontal ramp cropped to 27 columns and stretched to 28 keeps its direction but
  // spans a narrower range than the original ramp: a crop happened, and it was resized.
  AugmentationOptions options = enabled();
  options.contrast = 0.0;
  const at::Tensor ramp = at::arange(28, at::kFloat).view({1, 1, 1, 28}).expand({4, 1, 28, 28}).contiguous();
  at::Generator g = generator(7);
  at::Tensor y = augment_batch(ramp, options, g);
  const at::Tensor row = y.select(2, 10);  // [4, 1, 28]
  const at::Tensor span = row.select(2, 27) - row.select(2, 0);
  EXPECT_TRUE((span > 25.9).all().item<bool>()) << span;
  EXPECT_TRUE((span < 27.0).all().item<bool>()) << span;
  EXPECT_TRUE((row.diff(1, 2) > 0).all().item<bool>());
}

TEST(Augmentation, FlipsOnlyColourImagesAndAboutHalfOfThem) {
  AugmentationOptions options = enabled();
  options.contrast = 0.0;
  options.crop = 8;  // full size: flip alone
  const at::Tensor ramp = at::arange(8, at::kFloat).view({1, 1, 1, 8});
  for (std::int64_t channels : {1, 3}) {
    SCOPED_TRACE(channels);
    const at::Tensor x = ramp.expand({400, channels, 8, 8}).contiguous();
    at::Generator g = generator(8);
    at::Tensor y = augment_batch(x, options, g);
    const at::Tensor flipped = (y.select(3, 0) > y.select(3, 7)).all(2).all(1);  // [400]
    const at::Tensor unchanged = y.eq(x).flatten(1).all(1);
    EXPECT_TRUE((flipped | unchanged).all().item<bool>());
    const double fraction = flipped.to(at::kDouble).mean().item<double>();
    if (channels == 1) {
      EXPECT_EQ(fraction, 0.0);
    } else {
      EXPECT_NEAR(fraction, 0.5, 0.1);  // 400 draws: over 4 sigma
    }
  }
}

TEST(Augmentation, RejectsOutOfRangeOptions) {
  AugmentationOptions options = enabled();
  options.contrast = 1.5;
  EXPECT_THROW(options.validate(), ConfigError);
  options = enabled();
  options.crop = -1;
  EXPECT_THROW(options.validate(), ConfigError);
  options = enabled();
  options.crop = 29;
  at::Generator g = generator(1);
  EXPECT_THROW(augment_batch(images(2, 1, 28), options, g), ConfigError);
  EXPECT_THROW(augment_batch(at::zeros({28, 28}), enabled(), g), RuntimeError);
}

}  // namespace
}  // namespace ufm
