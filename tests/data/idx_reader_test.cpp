#include "data/idx_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "data_test_files.h"
#include "support/temp_dir.h"

namespace ufm {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

TEST(IdxReader, ReadsImagesWrittenPlain) {
  TempDir dir;
  const auto pixels = testing::pattern_pixels(3 * 4 * 5);
  testing::write_bytes(dir.file("images"), testing::idx_image_bytes(3, 4, 5, pixels));
  const RawImages images = read_idx_images(dir.file("images"));
  EXPECT_EQ(images.count, 3);
  EXPECT_EQ(images.channels, 1);
  EXPECT_EQ(images.height, 4);
  EXPECT_EQ(images.width, 5);
  EXPECT_EQ(images.pixels, pixels);
}

TEST(IdxReader, ReadsGzippedFilesByContentNotName) {
  TempDir dir;
  const auto pixels = testing::pattern_pixels(2 * 28 * 28);
  // No .gz suffix: detection must come from the gzip magic bytes.
  testing::write_bytes(dir.file("images"), testing::idx_image_bytes(2, 28, 28, pixels), /*gzip=*/true);
  testing::write_bytes(dir.file("labels.gz"), testing::idx_label_bytes({7, 3}), /*gzip=*/true);
  EXPECT_EQ(read_idx_images(dir.file("images")).pixels, pixels);
  EXPECT_EQ(read_idx_labels(dir.file("labels.gz")), (std::vector<std::int64_t>{7, 3}));
}

TEST(IdxReader, ReadsLabels) {
  TempDir dir;
  testing::write_bytes(dir.file("labels"), testing::idx_label_bytes({0, 9, 4, 255}));
  EXPECT_EQ(read_idx_labels(dir.file("labels")), (std::vector<std::int64_t>{0, 9, 4, 255}));
}

TEST(IdxReader, TruncatedImagesNameFileAndBothSizes) {
  TempDir dir;
  const std::string path = dir.file("train-images-idx3-ubyte.gz");
  testing::write_bytes(path, testing::idx_image_bytes(60000, 28, 28, testing::pattern_pixels(1000)), true);
  try {
    read_idx_images(path);
    FAIL() << "expected DataError";
  } catch (const DataError& error) {
    EXPECT_THAT(error.what(), HasSubstr(path));
    EXPECT_THAT(error.what(), HasSubstr("expected 47040000 pixel bytes after the header, found 1000 (truncated?)"));
  }
}

TEST(IdxReader, TrailingBytesAreAnError) {
  TempDir dir;
  auto bytes = testing::idx_label_bytes({1, 2});
  bytes.push_back(0);
  testing::write_bytes(dir.file("labels"), bytes);
  EXPECT_THROW(read_idx_labels(dir.file("labels")), DataError);
}

TEST(IdxReader, TruncatedGzipStreamIsADataError) {
  TempDir dir;
  testing::write_bytes(dir.file("full.gz"), testing::idx_image_bytes(50, 28, 28, testing::pattern_pixels(50 * 784)),
                       true);
  auto compressed = read_maybe_gzipped(dir.file("full.gz"));  // sanity: the full file reads
  ASSERT_EQ(compressed.size(), 16u + 50u * 784u);
  std::ifstream in(dir.file("full.gz"), std::ios::binary);
  std::vector<std::uint8_t> raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  raw.resize(raw.size() / 2);
  testing::write_bytes(dir.file("half.gz"), raw);
  try {
    read_idx_images(dir.file("half.gz"));
    FAIL() << "expected DataError";
  } catch (const DataError& error) {
    EXPECT_THAT(error.what(), HasSubstr(dir.file("half.gz")));
  }
}

TEST(IdxReader, WrongMagicIsRejected) {
  TempDir dir;
  // A label file handed to the image reader, and an image file to the label reader.
  testing::write_bytes(dir.file("labels"), testing::idx_label_bytes({1, 2, 3}));
  testing::write_bytes(dir.file("images"), testing::idx_image_bytes(1, 2, 2, {1, 2, 3, 4}));
  try {
    read_idx_images(dir.file("labels"));
    FAIL() << "expected DataError";
  } catch (const DataError& error) {
    EXPECT_THAT(error.what(), HasSubstr(dir.file("labels")));
    EXPECT_THAT(error.what(), HasSubstr("0x00000803"));
  }
  EXPECT_THROW(read_idx_labels(dir.file("images")), DataError);
}

TEST(IdxReader, FileShorterThanHeaderIsRejected) {
  TempDir dir;
  testing::write_bytes(dir.file("tiny"), {0, 0, 8});
  EXPECT_THROW(read_idx_images(dir.file("tiny")), DataError);
  EXPECT_THROW(read_idx_labels(dir.file("tiny")), DataError);
}

TEST(IdxReader, MissingFileErrorNamesTheFile) {
  TempDir dir;
  const std::string path = dir.file("no-such-images");
  try {
    read_idx_images(path);
    FAIL() << "expected DataError";
  } catch (const DataError& error) {
    EXPECT_THAT(error.what(), HasSubstr(path));
    EXPECT_THAT(error.what(), HasSubstr("not found"));
  }
}

TEST(IdxReader, FindIdxFilePrefersPlainThenGzip) {
  TempDir dir;
  testing::write_bytes(dir.file("a-images.gz"), {1}, true);
  EXPECT_EQ(find_idx_file(dir.path(), "a-images"), dir.file("a-images.gz"));
  testing::write_bytes(dir.file("a-images"), {1});
  EXPECT_EQ(find_idx_file(dir.path(), "a-images"), dir.file("a-images"));
  try {
    find_idx_file(dir.path(), "b-labels");
    FAIL() << "expected DataError";
  } catch (const DataError& error) {
    EXPECT_THAT(error.what(), HasSubstr("b-labels or b-labels.gz"));
  }
}

}  // namespace
}  // namespace ufm
