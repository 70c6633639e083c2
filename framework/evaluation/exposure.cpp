#include "evaluation/exposure.h"

#include <cmath>
#include <limits>

#include "core/error.h"

namespace ufm {

ExposureRank rank_among_candidates(double feature_score, const std::vector<double>& candidate_scores) {
  UFM_CHECK(!candidate_scores.empty(), RuntimeError, "rank_among_candidates: expected at least one candidate, got 0");
  ExposureRank result;
  result.candidates = static_cast<std::int64_t>(candidate_scores.size());
  if (std::isnan(feature_score)) {
    result.p_value = result.exposure = std::numeric_limits<double>::quiet_NaN();
    return result;
  }
  std::int64_t at_least = 0;
  for (double score : candidate_scores) {
    // !(score < feature) also counts NaN candidates against the feature.
    if (!(score < feature_score)) ++at_least;
  }
  result.rank = 1 + at_least;
  const double total = static_cast<double>(result.candidates + 1);
  result.p_value = static_cast<double>(result.rank) / total;
  result.exposure = std::log2(total) - std::log2(static_cast<double>(result.rank));
  return result;
}

ExposureRank rank_first(const std::vector<double>& scores) {
  UFM_CHECK(scores.size() >= 2, RuntimeError, "rank_first: expected the feature and at least one candidate, got ",
            scores.size(), " scores");
  return rank_among_candidates(scores.front(), std::vector<double>(scores.begin() + 1, scores.end()));
}

std::vector<double> difference(const std::vector<double>& a, const std::vector<double>& b) {
  UFM_CHECK(a.size() == b.size(), RuntimeError, "difference: ", a.size(), " scores against ", b.size());
  std::vector<double> out(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) out[i] = a[i] - b[i];
  return out;
}

}  // namespace ufm
