#include "data/ood_adapter.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "data_test_files.h"
#include "support/temp_dir.h"

namespace ufm {
namespace {

using testing::TempDir;

TEST(AdaptImages, GreyScalesWithTheLumaWeights) {
  const float r = 0.8f, g = 0.4f, b = 0.2f;
  const at::Tensor colour = at::stack({at::full({4, 4}, r), at::full({4, 4}, g), at::full({4, 4}, b)}).unsqueeze(0);
  const at::Tensor grey = adapt_images(colour, 1, 4, 4);
  ASSERT_EQ(grey.sizes(), (at::IntArrayRef{1, 1, 4, 4}));
  const float expected = r * 0.2989f + g * 0.5870f + b * 0.1140f;
  EXPECT_TRUE(at::equal(grey, at::full({1, 1, 4, 4}, expected)));
  EXPECT_NEAR(expected, 0.8 * 0.2989 + 0.4 * 0.5870 + 0.2 * 0.1140, 1e-6);
}

TEST(AdaptImages, StacksOneChannelToThree) {
  const at::Tensor grey = at::rand({2, 1, 5, 5});
  const at::Tensor colour = adapt_images(grey, 3, 5, 5);
  ASSERT_EQ(colour.sizes(), (at::IntArrayRef{2, 3, 5, 5}));
  for (int c = 0; c < 3; ++c) EXPECT_TRUE(at::equal(colour.narrow(1, c, 1), grey));
}

TEST(AdaptImages, ResizesAndKeepsAConstantImageConstant) {
  const at::Tensor constant = at::full({3, 3, 32, 32}, 0.37f);
  const at::Tensor small = adapt_images(constant, 1, 28, 28);
  ASSERT_EQ(small.sizes(), (at::IntArrayRef{3, 1, 28, 28}));
  const float grey = 0.37f * 0.2989f + 0.37f * 0.5870f + 0.37f * 0.1140f;
  EXPECT_TRUE(at::allclose(small, at::full_like(small, grey), 0, 1e-6));
  const at::Tensor large = adapt_images(at::full({2, 1, 28, 28}, 0.6f), 3, 32, 32);
  ASSERT_EQ(large.sizes(), (at::IntArrayRef{2, 3, 32, 32}));
  EXPECT_TRUE(at::allclose(large, at::full_like(large, 0.6f), 0, 1e-6));
}

TEST(AdaptImages, ResizeMatchesHalfPixelBilinearOnARamp) {
  // Downsampling 4 -> 2 with align_corners=false averages neighbouring pairs.
  const at::Tensor ramp = at::arange(4, at::kFloat).div(3.0).view({1, 1, 1, 4}).expand({1, 1, 4, 4}).contiguous();
  const at::Tensor out = adapt_images(ramp, 1, 2, 2);
  EXPECT_NEAR(out[0][0][0][0].item<float>(), 0.5 / 3.0, 1e-6);
  EXPECT_NEAR(out[0][0][1][1].item<float>(), 2.5 / 3.0, 1e-6);
}

TEST(AdaptImages, LeavesMatchingImagesUnchangedAndRejectsOddChannels) {
  const at::Tensor images = at::rand({2, 3, 8, 8});
  EXPECT_TRUE(at::equal(adapt_images(images, 3, 8, 8), images));
  EXPECT_THROW(adapt_images(at::rand({1, 2, 8, 8}), 3, 8, 8), RuntimeError);
  EXPECT_THROW(adapt_images(at::rand({2, 8, 8}), 1, 8, 8), RuntimeError);
}

TEST(LoadOodImages, PicksTheSplitAppliesTheLimitAndAdapts) {
  TempDir dir;
  testing::write_cifar_dataset(dir.path(), 2, 4);  // 10 train, 4 test
  OodOptions options;
  options.dataset = "cifar10";
  options.path = dir.path();

  options.split = OodSplit::kTrain;
  ImageSplit train = load_ood_images(options, 1, 28, 28);
  EXPECT_EQ(train.images.sizes(), (at::IntArrayRef{10, 1, 28, 28}));
  EXPECT_EQ(train.labels[0].item<std::int64_t>(), 1);

  options.split = OodSplit::kTest;
  EXPECT_EQ(load_ood_images(options, 1, 28, 28).size(), 4);

  options.split = OodSplit::kAll;
  const ImageSplit all = load_ood_images(options, 1, 28, 28);
  ASSERT_EQ(all.size(), 14);
  EXPECT_TRUE(at::equal(all.labels.narrow(0, 0, 10), train.labels));
  EXPECT_EQ(all.labels[10].item<std::int64_t>(), 0);  // first test label follows the training set
  EXPECT_GE(all.images.min().item<float>(), 0.0f);
  EXPECT_LE(all.images.max().item<float>(), 1.0f);

  options.limit = 3;
  EXPECT_EQ(load_ood_images(options, 3, 32, 32).images.sizes(), (at::IntArrayRef{3, 3, 32, 32}));
  options.limit = 12;  // crosses into the test split
  const ImageSplit twelve = load_ood_images(options, 1, 28, 28);
  EXPECT_TRUE(at::equal(twelve.labels, all.labels.narrow(0, 0, 12)));
  EXPECT_TRUE(at::equal(twelve.images, all.images.narrow(0, 0, 12)));
}

TEST(LoadOodImages, GreyScaleOfAConstantCifarImageUsesTheLumaWeights) {
  TempDir dir;
  testing::write_cifar_dataset(dir.path(), 1, 1);
  OodOptions options;
  options.dataset = "cifar10";
  options.path = dir.path();
  options.split = OodSplit::kTest;
  const at::Tensor grey = load_ood_images(options, 1, 32, 32).images;
  // Test record 0 has label 0: G plane 11, B plane 12 everywhere, R plane 10 + (index mod 7).
  const float r = 10.0f / 255.0f, g = 11.0f / 255.0f, b = 12.0f / 255.0f;
  EXPECT_NEAR(grey[0][0][0][0].item<float>(), r * 0.2989f + g * 0.5870f + b * 0.1140f, 1e-7);
}

}  // namespace
}  // namespace ufm
