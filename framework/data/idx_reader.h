#pragma once
/// Reader for the IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/):
/// big-endian magic 0x00000803 (images, uint8, 3 dims) or 0x00000801 (labels, uint8, 1 dim).
/// Files may be plain or gzip-compressed (detected from the content, not the name).
/// Every failure throws DataError naming the file and what was wrong.
#include <cstdint>
#include <string>
#include <vector>

#include "data/raw_images.h"

namespace ufm {

/// Reads an idx3-ubyte image file into a RawImages with one channel.
RawImages read_idx_images(const std::string& path);

/// Reads an idx1-ubyte label file.
std::vector<std::int64_t> read_idx_labels(const std::string& path);

/// The path of `stem` (e.g. "train-images-idx3-ubyte") in `directory`, trying the plain
/// name, then "<stem>.gz"; throws DataError listing both when neither exists.
std::string find_idx_file(const std::string& directory, const std::string& stem);

/// Reads a whole file, transparently gunzipping it when it starts with the gzip magic.
std::vector<std::uint8_t> read_maybe_gzipped(const std::string& path);

}  // namespace ufm
