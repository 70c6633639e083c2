#include "data/cifar_reader.h"

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

TEST(CifarReader, ReadsLabelsAndPlanesInRgbOrder) {
  TempDir dir;
  testing::write_bytes(dir.file("batch.bin"), testing::cifar_bytes({3, 0, 9}));
  const LabelledRawImages batch = read_cifar10_batch(dir.file("batch.bin"));
  EXPECT_EQ(batch.labels, (std::vector<std::int64_t>{3, 0, 9}));
  ASSERT_EQ(batch.images.count, 3);
  EXPECT_EQ(batch.images.channels, 3);
  EXPECT_EQ(batch.images.height, 32);
  EXPECT_EQ(batch.images.width, 32);
  ASSERT_EQ(batch.images.pixels.size(), 3u * 3072u);
  const auto pixel = [&](int image, int channel, int y, int x) {
    return int{batch.images.pixels[static_cast<std::size_t>(((image * 3 + channel) * 32 + y) * 32 + x)]};
  };
  // Image 0 has label 3: planes hold 40 (+ index mod 7 in R), 41, 42.
  EXPECT_EQ(pixel(0, 0, 0, 0), 40);
  EXPECT_EQ(pixel(0, 0, 0, 5), 45);
  EXPECT_EQ(pixel(0, 0, 1, 0), 40 + 32 % 7);
  EXPECT_EQ(pixel(0, 1, 7, 3), 41);
  EXPECT_EQ(pixel(0, 2, 31, 31), 42);
  EXPECT_EQ(pixel(2, 2, 0, 0), 102);
}

TEST(CifarReader, SizeNotAMultipleOfTheRecordIsRejected) {
  TempDir dir;
  auto bytes = testing::cifar_bytes({1, 2});
  bytes.pop_back();
  testing::write_bytes(dir.file("batch.bin"), bytes);
  try {
    read_cifar10_batch(dir.file("batch.bin"));
    FAIL() << "expected DataError";
  } catch (const DataError& error) {
    EXPECT_THAT(error.what(), HasSubstr(dir.file("batch.bin")));
    EXPECT_THAT(error.what(), HasSubstr("6145"));
  }
}

TEST(CifarReader, LabelAboveNineIsRejected) {
  TempDir dir;
  testing::write_bytes(dir.file("batch.bin"), testing::cifar_bytes({1, 10}));
  EXPECT_THROW(read_cifar10_batch(dir.file("batch.bin")), DataError);
}

TEST(CifarReader, SplitConcatenatesTheFiveTrainingBatchesInOrder) {
  TempDir dir;
  testing::write_cifar_dataset(dir.path(), 2, 3);
  const LabelledRawImages train = read_cifar10_split(dir.path(), true);
  const LabelledRawImages test = read_cifar10_split(dir.path(), false);
  EXPECT_EQ(train.images.count, 10);
  EXPECT_EQ(train.images.pixels.size(), 10u * 3072u);
  // Batch b holds labels (b + i) % 10.
  EXPECT_EQ(train.labels, (std::vector<std::int64_t>{1, 2, 2, 3, 3, 4, 4, 5, 5, 6}));
  EXPECT_EQ(test.labels, (std::vector<std::int64_t>{0, 1, 2}));
}

TEST(CifarReader, AcceptsTheDirectoryAboveTheUnpackedTarball) {
  TempDir dir;
  std::filesystem::create_directory(dir.file("cifar-10-batches-bin"));
  testing::write_cifar_dataset(dir.file("cifar-10-batches-bin"), 1, 1);
  EXPECT_EQ(read_cifar10_split(dir.path(), false).images.count, 1);
}

TEST(CifarReader, MissingBatchNamesTheFile) {
  TempDir dir;
  testing::write_cifar_dataset(dir.path(), 1, 1);
  std::filesystem::remove(dir.file("data_batch_4.bin"));
  try {
    read_cifar10_split(dir.path(), true);
    FAIL() << "expected DataError";
  } catch (const DataError& error) {
    EXPECT_THAT(error.what(), HasSubstr("data_batch_4.bin"));
  }
}

}  // namespace
}  // namespace ufm
