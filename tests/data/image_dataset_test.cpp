#include "data/image_dataset.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "core/error.h"

namespace ufm {
namespace {

TEST(ToUnitTensor, ScalesBytesToUnitIntervalInNchwOrder) {
  RawImages raw;
  raw.count = 1;
  raw.channels = 2;
  raw.height = 1;
  raw.width = 2;
  raw.pixels = {0, 255, 51, 102};
  const at::Tensor images = to_unit_tensor(raw);
  ASSERT_EQ(images.sizes(), (at::IntArrayRef{1, 2, 1, 2}));
  EXPECT_EQ(images.scalar_type(), at::kFloat);
  EXPECT_FLOAT_EQ(images[0][0][0][1].item<float>(), 1.0f);
  EXPECT_FLOAT_EQ(images[0][1][0][0].item<float>(), 0.2f);
  EXPECT_FLOAT_EQ(images[0][1][0][1].item<float>(), 0.4f);
}

TEST(ToUnitTensor, RejectsAPixelCountThatDisagreesWithTheShape) {
  RawImages raw;
  raw.count = 2;
  raw.channels = 1;
  raw.height = 2;
  raw.width = 2;
  raw.pixels = {1, 2, 3};
  EXPECT_THROW(to_unit_tensor(raw), RuntimeError);
}

TEST(Normalise, SubtractsMeanAndDividesByStdPerChannel) {
  const at::Tensor images = at::tensor({0.0f, 0.5f, 1.0f, 0.25f}, at::kFloat).view({1, 2, 1, 2});
  const Normalisation normalisation{{0.5, 0.25}, {0.25, 0.5}};
  const at::Tensor out = normalise(images, normalisation);
  EXPECT_FLOAT_EQ(out[0][0][0][0].item<float>(), -2.0f);
  EXPECT_FLOAT_EQ(out[0][0][0][1].item<float>(), 0.0f);
  EXPECT_FLOAT_EQ(out[0][1][0][0].item<float>(), 1.5f);
  EXPECT_FLOAT_EQ(out[0][1][0][1].item<float>(), 0.0f);
  // A single image [C,H,W] gets the same treatment.
  EXPECT_TRUE(at::equal(normalise(images[0], normalisation), out[0]));
}

TEST(Normalise, MatchesTheFormulaInFloatForNonDyadicConstants) {
  const at::Tensor images = at::rand({3, 1, 4, 4});
  const at::Tensor out = normalise(images, {{0.1307}, {0.3081}});
  const at::Tensor expected = (images - 0.1307f) / 0.3081f;
  EXPECT_TRUE(at::allclose(out, expected, /*rtol=*/0, /*atol=*/1e-6));
}

TEST(Normalise, RejectsAChannelCountMismatch) {
  EXPECT_THROW(normalise(at::zeros({2, 3, 4, 4}), {{0.5}, {0.5}}), RuntimeError);
  EXPECT_THROW(normalise(at::zeros({2, 1, 4, 4}), {{0.5}, {0.0}}), RuntimeError);
}

TEST(TakeFirst, KeepsThePrefixOrEverything) {
  const ImageSplit split{at::arange(5, at::kFloat).view({5, 1, 1, 1}), at::arange(5, at::kLong)};
  const ImageSplit first = take_first(split, 2);
  EXPECT_EQ(first.size(), 2);
  EXPECT_TRUE(at::equal(first.labels, at::arange(2, at::kLong)));
  EXPECT_TRUE(at::equal(first.images.flatten(), at::arange(2, at::kFloat)));
  EXPECT_EQ(take_first(split, 0).size(), 5);
  EXPECT_EQ(take_first(split, 5).size(), 5);
  EXPECT_EQ(take_first(split, 99).size(), 5);
}

}  // namespace
}  // namespace ufm
