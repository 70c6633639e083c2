#pragma once
/// A small synthetic image dataset for tests: each class is a fixed random template
/// plus per-image noise, so that a model can learn it in a few steps.
#include <cstdint>

#include "data/image_dataset.h"

namespace ufm {

struct SyntheticOptions {
  std::int64_t train_size = 512;
  std::int64_t test_size = 256;
  std::int64_t channels = 1;
  std::int64_t height = 28;
  std::int64_t width = 28;
  std::int64_t num_classes = 10;
  double noise = 0.15;
  std::uint64_t seed = 7;
};

/// Deterministic for a given options struct (own generator; no global RNG).
ImageDataset make_synthetic_dataset(const SyntheticOptions& options);

}  // namespace ufm
