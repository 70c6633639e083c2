#include "influence/selection.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.h"

namespace ufm {

std::vector<std::int64_t> select_by_influence(const std::vector<double>& scores, std::int64_t k, bool most) {
  UFM_CHECK(k >= 0, RuntimeError, "select_by_influence: expected k >= 0, got ", k);
  for (std::size_t i = 0; i < scores.size(); ++i) {
    UFM_CHECK(!std::isnan(scores[i]), RuntimeError, "select_by_influence: the score of example ", i, " is NaN");
  }
  std::vector<std::int64_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  const auto count = std::min<std::size_t>(static_cast<std::size_t>(k), order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(count), order.end(),
                    [&](std::int64_t a, std::int64_t b) {
                      const double sa = scores[static_cast<std::size_t>(a)], sb = scores[static_cast<std::size_t>(b)];
                      if (sa != sb) return most ? sa > sb : sa < sb;
                      return a < b;
                    });
  order.resize(count);
  return order;
}

std::int64_t rank_of(const std::vector<double>& scores, std::int64_t index) {
  UFM_CHECK(index >= 0 && index < static_cast<std::int64_t>(scores.size()), RuntimeError, "rank_of: index ", index,
            " is outside the ", scores.size(), " scores");
  const double own = scores[static_cast<std::size_t>(index)];
  std::int64_t rank = 1;
  for (std::size_t j = 0; j < scores.size(); ++j) {
    if (scores[j] > own || (scores[j] == own && static_cast<std::int64_t>(j) < index)) ++rank;
  }
  return rank;
}

}  // namespace ufm
