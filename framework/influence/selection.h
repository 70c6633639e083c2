#pragma once
/// Choosing canaries by a score over the training set (self-influence or confidence) and
/// ranking one example by it. No LibTorch here: planning uses it.
#include <cstdint>
#include <vector>

namespace ufm {

/// The min(k, N) indices with the largest (`most`) or smallest scores, in that order; equal
/// scores are ordered by index (the lower index first in both directions). Throws
/// RuntimeError naming the index of a NaN score.
std::vector<std::int64_t> select_by_influence(const std::vector<double>& scores, std::int64_t k, bool most);

/// 1-based rank of scores[index] from the largest (1 = most influential), with the same tie
/// rule: 1 + #{j : s_j > s_i} + #{j < i : s_j = s_i}. Throws RuntimeError when index is
/// outside the scores.
std::int64_t rank_of(const std::vector<double>& scores, std::int64_t index);

}  // namespace ufm
