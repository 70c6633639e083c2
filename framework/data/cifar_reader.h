#pragma once
/// Reader for the CIFAR-10 binary format (https://www.cs.toronto.edu/~kriz/cifar.html):
/// records of 1 label byte followed by 3072 pixel bytes (1024 R, 1024 G, 1024 B, row-major 32×32).
#include <cstdint>
#include <string>
#include <vector>

#include "data/raw_images.h"

namespace ufm {

struct LabelledRawImages {
  RawImages images;
  std::vector<std::int64_t> labels;
};

/// Reads one batch file (e.g. data_batch_1.bin). A size that is not a multiple of 3073,
/// or a label above 9, throws DataError naming the file.
LabelledRawImages read_cifar10_batch(const std::string& path);

/// Reads and concatenates data_batch_1..5.bin (train) or test_batch.bin (test) from `directory`.
LabelledRawImages read_cifar10_split(const std::string& directory, bool train);

}  // namespace ufm
