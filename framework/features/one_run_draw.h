#pragma once
/// What a one-run audit stamps (canaries.mode: one_run; Steinke, Nasr, Jagielski 2023):
/// m distinct training images, feature j for image j, and an independent fair coin per
/// feature deciding whether it is stamped. Every draw has its own named stream, so the
/// coins are independent of the features, the images and the training.
#include <cstdint>
#include <vector>

#include "features/pattern.h"

namespace ufm {

struct OneRunDraw {
  std::vector<std::int64_t> images;  ///< m distinct training indices
  std::vector<Pattern> features;     ///< feature j (feature.pattern random: its own bits)
  std::vector<bool> stamped;         ///< coin j: true = image j carries feature j in training
};

/// m = `count` images drawn without replacement from [0, train_size) on the stream
/// (image_seed, kOneRunImages), features feature_for_pair(options, j), coins on the stream
/// (coin_seed, kOneRunCoins). ConfigError naming canaries.count when m exceeds the
/// training set, or feature.pattern is not random (every feature must be its own).
OneRunDraw draw_one_run(const FeatureOptions& options, std::int64_t count, std::uint64_t image_seed,
                        std::uint64_t coin_seed, std::int64_t train_size);

}  // namespace ufm
