#include "features/one_run_draw.h"

#include <numeric>
#include <random>

#include "core/error.h"

namespace ufm {

OneRunDraw draw_one_run(const FeatureOptions& options, std::int64_t count, std::uint64_t image_seed,
                        std::uint64_t coin_seed, std::int64_t train_size) {
  UFM_CHECK(count >= 1 && count <= train_size, ConfigError, "canaries.count: a one-run audit stamps ", count,
            " distinct images but the training set has ", train_size);
  UFM_CHECK(options.pattern == "random", ConfigError,
            "feature.pattern: a one-run audit needs random (each canary its own feature), got ", options.pattern);
  OneRunDraw draw;
  // A partial Fisher–Yates shuffle: the first `count` of a uniform random permutation.
  std::vector<std::int64_t> order(static_cast<std::size_t>(train_size));
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 images(stream_seed(image_seed, StreamPurpose::kOneRunImages, 0));
  for (std::int64_t i = 0; i < count; ++i) {
    const auto remaining = static_cast<std::uint64_t>(train_size - i);
    const auto j = static_cast<std::size_t>(i) + static_cast<std::size_t>(images() % remaining);
    std::swap(order[static_cast<std::size_t>(i)], order[j]);
  }
  draw.images.assign(order.begin(), order.begin() + count);
  std::mt19937_64 coins(stream_seed(coin_seed, StreamPurpose::kOneRunCoins, 0));
  for (std::int64_t j = 0; j < count; ++j) {
    draw.features.push_back(feature_for_pair(options, j));
    draw.stamped.push_back((coins() >> 63) != 0);  // the top bit: a fair coin
  }
  return draw;
}

}  // namespace ufm
