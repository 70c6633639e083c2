#include "data/synthetic.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "core/error.h"

namespace ufm {
namespace {

SyntheticOptions small_options() {
  SyntheticOptions options;
  options.train_size = 64;
  options.test_size = 32;
  options.height = 8;
  options.width = 8;
  return options;
}

TEST(SyntheticDataset, IsDeterministicForAGivenSeed) {
  const ImageDataset a = make_synthetic_dataset(small_options());
  at::manual_seed(1234);  // the global generator must not matter
  (void)at::rand({100});
  const ImageDataset b = make_synthetic_dataset(small_options());
  EXPECT_TRUE(at::equal(a.train.images, b.train.images));
  EXPECT_TRUE(at::equal(a.test.images, b.test.images));
  EXPECT_TRUE(at::equal(a.train.labels, b.train.labels));
  SyntheticOptions other = small_options();
  other.seed = 8;
  EXPECT_FALSE(at::equal(a.train.images, make_synthetic_dataset(other).train.images));
}

TEST(SyntheticDataset, HasTheRequestedShapesAndPixelsInUnitInterval) {
  SyntheticOptions options = small_options();
  options.channels = 3;
  options.noise = 0.5;  // large enough that clamping matters
  const ImageDataset dataset = make_synthetic_dataset(options);
  EXPECT_EQ(dataset.train.images.sizes(), (at::IntArrayRef{64, 3, 8, 8}));
  EXPECT_EQ(dataset.test.images.sizes(), (at::IntArrayRef{32, 3, 8, 8}));
  EXPECT_EQ(dataset.train.images.scalar_type(), at::kFloat);
  EXPECT_EQ(dataset.train.labels.scalar_type(), at::kLong);
  EXPECT_GE(dataset.train.images.min().item<float>(), 0.0f);
  EXPECT_LE(dataset.train.images.max().item<float>(), 1.0f);
  EXPECT_GE(dataset.train.labels.min().item<std::int64_t>(), 0);
  EXPECT_LT(dataset.train.labels.max().item<std::int64_t>(), options.num_classes);
  EXPECT_EQ(dataset.normalisation.mean.size(), 3u);
  EXPECT_EQ(dataset.channels(), 3);
}

TEST(SyntheticDataset, NormalisationIsThatOfTheTrainingImages) {
  const ImageDataset dataset = make_synthetic_dataset(small_options());
  const at::Tensor normalised = normalise(dataset.train.images, dataset.normalisation);
  EXPECT_NEAR(normalised.mean().item<double>(), 0.0, 1e-4);
  EXPECT_NEAR(normalised.std(/*unbiased=*/false).item<double>(), 1.0, 1e-4);
}

TEST(SyntheticDataset, ClassesAreSeparableByNearestClassMean) {
  // Learnability check without a model: class means from train classify the test split.
  const ImageDataset dataset = make_synthetic_dataset(small_options());
  const at::Tensor train = dataset.train.images.flatten(1);
  std::vector<at::Tensor> means;
  for (std::int64_t k = 0; k < dataset.num_classes; ++k) {
    means.push_back(train.index_select(0, at::nonzero(dataset.train.labels == k).squeeze(1)).mean(0));
  }
  const at::Tensor centres = at::stack(means);
  const at::Tensor predicted = at::cdist(dataset.test.images.flatten(1), centres).argmin(1);
  const double accuracy = predicted.eq(dataset.test.labels).to(at::kDouble).mean().item<double>();
  EXPECT_GT(accuracy, 0.95);
}

TEST(SyntheticDataset, RejectsEmptySplits) {
  SyntheticOptions options = small_options();
  options.train_size = 0;
  EXPECT_THROW(make_synthetic_dataset(options), ConfigError);
}

}  // namespace
}  // namespace ufm
