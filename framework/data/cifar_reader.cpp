#include "data/cifar_reader.h"

#include <algorithm>
#include <filesystem>

#include "core/error.h"
#include "data/idx_reader.h"

namespace ufm {
namespace {

constexpr std::int64_t kSide = 32;
constexpr std::int64_t kChannels = 3;
constexpr std::int64_t kPixelsPerImage = kChannels * kSide * kSide;
constexpr std::int64_t kRecordSize = 1 + kPixelsPerImage;
constexpr std::int64_t kNumClasses = 10;

// The official tarball unpacks into cifar-10-batches-bin/; accept its parent too.
std::string batch_directory(const std::string& directory) {
  const std::string nested = directory + "/cifar-10-batches-bin";
  if (!std::filesystem::exists(directory + "/test_batch.bin") && std::filesystem::exists(nested + "/test_batch.bin")) {
    return nested;
  }
  return directory;
}

}  // namespace

LabelledRawImages read_cifar10_batch(const std::string& path) {
  const std::vector<std::uint8_t> bytes = read_maybe_gzipped(path);
  const auto size = static_cast<std::int64_t>(bytes.size());
  UFM_CHECK(size > 0 && size % kRecordSize == 0, DataError, path, ": expected a positive multiple of ",
            kRecordSize, " bytes (CIFAR-10 records of 1 label + 3072 pixels), found ", size, " bytes");
  LabelledRawImages out;
  const std::int64_t count = size / kRecordSize;
  out.images.count = count;
  out.images.channels = kChannels;
  out.images.height = kSide;
  out.images.width = kSide;
  out.images.pixels.resize(static_cast<std::size_t>(count * kPixelsPerImage));
  out.labels.resize(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) {
    const std::uint8_t* record = bytes.data() + i * kRecordSize;
    UFM_CHECK(record[0] < kNumClasses, DataError, path, ": record ", i, ": expected a label in 0..9, found ",
              int{record[0]});
    out.labels[static_cast<std::size_t>(i)] = record[0];
    // The record is already planar R, G, B in row-major order, i.e. CHW.
    std::copy(record + 1, record + kRecordSize, out.images.pixels.begin() + i * kPixelsPerImage);
  }
  return out;
}

LabelledRawImages read_cifar10_split(const std::string& directory, bool train) {
  UFM_CHECK(std::filesystem::is_directory(directory), DataError, directory,
            ": CIFAR-10 directory not found (expected data_batch_1..5.bin and test_batch.bin)");
  const std::string base = batch_directory(directory);
  std::vector<std::string> files;
  if (train) {
    for (int b = 1; b <= 5; ++b) files.push_back(base + "/data_batch_" + std::to_string(b) + ".bin");
  } else {
    files.push_back(base + "/test_batch.bin");
  }
  LabelledRawImages out;
  out.images.channels = kChannels;
  out.images.height = kSide;
  out.images.width = kSide;
  for (const std::string& file : files) {
    LabelledRawImages batch = read_cifar10_batch(file);
    out.images.count += batch.images.count;
    out.images.pixels.insert(out.images.pixels.end(), batch.images.pixels.begin(), batch.images.pixels.end());
    out.labels.insert(out.labels.end(), batch.labels.begin(), batch.labels.end());
  }
  return out;
}

}  // namespace ufm
