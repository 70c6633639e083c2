#include "support/requirements.h"
#include "data/dataset_registry.h"

#include <ATen/ATen.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "core/error.h"
#include "data_test_files.h"
#include "support/temp_dir.h"

namespace ufm {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

DatasetOptions options_for(const std::string& name, const std::string& path = "") {
  DatasetOptions options;
  options.name = name;
  options.path = path;
  return options;
}

TEST(DatasetRegistry, UnknownNameIsAConfigErrorListingValidNames) {
  try {
    load_dataset(options_for("fashion_mnsit"));
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr("fashion_mnsit"));
    EXPECT_THAT(error.what(), HasSubstr("did you mean 'fashion_mnist'"));
    for (const char* name : {"cifar10", "fashion_mnist", "mnist", "synthetic"}) {
      EXPECT_THAT(error.what(), HasSubstr(name));
    }
  }
}

TEST(DatasetRegistry, EveryBuiltInLoadsFromADirectoryOfItsFormat) {
  // One directory holding both small IDX and small CIFAR files serves every entry.
  TempDir dir;
  testing::write_idx_dataset(dir.path(), 30, 20);
  testing::write_cifar_dataset(dir.path(), 6, 20);
  for (const std::string& name : dataset_registry().names()) {
    SCOPED_TRACE(name);
    DatasetOptions options = options_for(name, dir.path());
    options.train_limit = 25;
    options.test_limit = 7;
    const ImageDataset dataset = load_dataset(options);
    EXPECT_EQ(dataset.name, name);
    EXPECT_FALSE(dataset_registry().description(name).empty());
    EXPECT_EQ(dataset.train.size(), 25);
    EXPECT_EQ(dataset.test.size(), 7);
    EXPECT_EQ(dataset.train.labels.size(0), 25);
    EXPECT_EQ(dataset.test.labels.size(0), 7);
    ASSERT_EQ(dataset.train.images.dim(), 4);
    EXPECT_EQ(dataset.test.images.sizes().slice(1), dataset.train.images.sizes().slice(1));
    EXPECT_EQ(dataset.normalisation.mean.size(), static_cast<std::size_t>(dataset.channels()));
    EXPECT_EQ(dataset.normalisation.std.size(), static_cast<std::size_t>(dataset.channels()));
    EXPECT_GE(dataset.train.images.min().item<float>(), 0.0f);
    EXPECT_LE(dataset.train.images.max().item<float>(), 1.0f);
    EXPECT_GE(dataset.train.labels.min().item<std::int64_t>(), 0);
    EXPECT_LT(dataset.train.labels.max().item<std::int64_t>(), dataset.num_classes);
  }
}

TEST(DatasetRegistry, IdxDatasetKeepsPixelsAndLabelsInFileOrder) {
  TempDir dir;
  testing::write_idx_dataset(dir.path(), 12, 5, 28, 28, /*gzip=*/true);
  const ImageDataset dataset = load_dataset(options_for("mnist", dir.path()));
  EXPECT_EQ(dataset.train.images.sizes(), (at::IntArrayRef{12, 1, 28, 28}));
  EXPECT_TRUE(at::equal(dataset.train.labels, at::arange(12, at::kLong).remainder(10)));
  const auto pixels = testing::pattern_pixels(12 * 784);
  EXPECT_FLOAT_EQ(dataset.train.images[3][0][5][7].item<float>(), pixels[3 * 784 + 5 * 28 + 7] / 255.0f);
  EXPECT_EQ(dataset.normalisation.mean, std::vector<double>{0.1307});
  EXPECT_EQ(dataset.normalisation.std, std::vector<double>{0.3081});
}

TEST(DatasetRegistry, LabelCountMustMatchImageCount) {
  TempDir dir;
  testing::write_idx_dataset(dir.path(), 10, 5);
  testing::write_bytes(dir.file("t10k-labels-idx1-ubyte"), testing::idx_label_bytes({1, 2, 3, 4}));
  try {
    load_dataset(options_for("fashion_mnist", dir.path()));
    FAIL() << "expected DataError";
  } catch (const DataError& error) {
    EXPECT_THAT(error.what(), HasSubstr(dir.file("t10k-labels-idx1-ubyte")));
    EXPECT_THAT(error.what(), HasSubstr("expected 5 labels"));
    EXPECT_THAT(error.what(), HasSubstr("found 4"));
  }
}

TEST(DatasetRegistry, LabelOutsideTheClassesIsADataError) {
  TempDir dir;
  testing::write_idx_dataset(dir.path(), 3, 2);
  testing::write_bytes(dir.file("train-labels-idx1-ubyte"), testing::idx_label_bytes({1, 10, 3}));
  EXPECT_THROW(load_dataset(options_for("mnist", dir.path())), DataError);
}

TEST(DatasetRegistry, MissingDirectoryNamesTheExpectedFiles) {
  TempDir dir;
  try {
    load_dataset(options_for("fashion_mnist", dir.file("absent")));
    FAIL() << "expected DataError";
  } catch (const DataError& error) {
    EXPECT_THAT(error.what(), HasSubstr(dir.file("absent")));
    EXPECT_THAT(error.what(), HasSubstr("train-images-idx3-ubyte"));
  }
}

TEST(DatasetRegistry, Cifar10WithoutAPathIsAConfigError) {
  EXPECT_EQ(default_dataset_path("cifar10"), "");
  try {
    load_dataset(options_for("cifar10"));
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr("cifar10"));
    EXPECT_THAT(error.what(), HasSubstr("path"));
  }
}

TEST(DatasetRegistry, InvalidLimitIsRejectedBeforeLoading) {
  DatasetOptions options = options_for("synthetic");
  options.train_limit = -1;
  EXPECT_THROW(load_dataset(options), ConfigError);
}

TEST(DatasetRegistry, NormalisationConstantsAreTheAuthors) {
  EXPECT_EQ(fashion_mnist_normalisation().mean, std::vector<double>{0.2860405969887955});
  EXPECT_EQ(fashion_mnist_normalisation().std, std::vector<double>{0.35302424451492237});
  EXPECT_EQ(cifar10_normalisation().mean, (std::vector<double>{0.4914, 0.4822, 0.4465}));
  EXPECT_EQ(cifar10_normalisation().std, (std::vector<double>{0.2470, 0.2435, 0.2616}));
  EXPECT_EQ(default_dataset_path("fashion_mnist"), "/usr/share/datasets/fashion-mnist");
  EXPECT_EQ(default_dataset_path("mnist"), "datasets/mnist-10k");
}

TEST(FashionMnist, LoadsTheRealDatasetFromItsDefaultPath) {
  UFM_REQUIRE(!testing::fashion_mnist_directory().empty(), "Fashion-MNIST is not installed");
  const ImageDataset dataset = load_dataset(options_for("fashion_mnist"));
  EXPECT_EQ(dataset.train.images.sizes(), (at::IntArrayRef{60000, 1, 28, 28}));
  EXPECT_EQ(dataset.test.images.sizes(), (at::IntArrayRef{10000, 1, 28, 28}));
  EXPECT_EQ(dataset.train.labels.min().item<std::int64_t>(), 0);
  EXPECT_EQ(dataset.train.labels.max().item<std::int64_t>(), 9);
  // Values checked with Debian's python3-numpy on the same files.
  EXPECT_EQ(dataset.train.labels[0].item<std::int64_t>(), 9);  // Ankle boot
  EXPECT_EQ(dataset.test.labels[1].item<std::int64_t>(), 2);
  EXPECT_TRUE(at::equal(at::bincount(dataset.test.labels), at::full({10}, 1000, at::kLong)));
  EXPECT_NEAR(dataset.train.images[0].sum().item<double>() * 255.0, 76247.0, 0.05);
  // The authors' mean is the mean of the training pixels (up to float32 rounding of v/255).
  EXPECT_NEAR(dataset.train.images.to(at::kDouble).mean().item<double>(), fashion_mnist_normalisation().mean[0],
              1e-7);
}

TEST(Mnist10k, SubsetBuiltByTheScriptHasTheDocumentedCounts) {
  const std::string directory = testing::source_path("datasets/mnist-10k");
  UFM_REQUIRE(std::filesystem::exists(directory + "/train-images-idx3-ubyte"),
              "run datasets/make_mnist_10k.sh datasets/mnist-10k first (make mnist)");
  const ImageDataset dataset = load_dataset(options_for("mnist", directory));
  EXPECT_EQ(dataset.train.size(), 8495);
  EXPECT_EQ(dataset.test.size(), 1505);
  EXPECT_EQ(dataset.train.size() + dataset.test.size(), 10000);
  EXPECT_TRUE(at::equal(dataset.train.labels.narrow(0, 0, 10), at::arange(10, at::kLong)));
  EXPECT_NEAR(dataset.train.images.mean().item<double>(), mnist_normalisation().mean[0], 0.01);
}

}  // namespace
}  // namespace ufm
