#pragma once
/// Exposure after the Secret Sharer (Carlini et al. 2019): the rank of the tested feature's
/// score among the scores of C candidate patterns (docs/verdicts.md). Torch-free.
#include <cstdint>
#include <vector>

namespace ufm {

struct ExposureRank {
  /// 1 = the feature scores highest. Ties count against the feature: rank = 1 + #{c : s_c >= s_f},
  /// so p is conservative (never smaller than under random tie-breaking). 0 when undefined.
  std::int64_t rank = 0;
  std::int64_t candidates = 0;  ///< C
  /// p = rank / (C + 1): uniform on {1/(C+1), ..., 1} under the null when the feature was drawn
  /// from the candidates' distribution and no pattern ties. NaN when undefined.
  double p_value = 0.0;
  /// log2(C + 1) − log2(rank), in [0, log2(C + 1)] bits. NaN when undefined.
  double exposure = 0.0;
};

/// Ranks `feature_score` among `candidate_scores` (higher = more memorised). A NaN feature
/// score (no probe image of the label) gives rank 0 and NaN p and exposure; a NaN candidate
/// score counts as tying with the feature (against it). RuntimeError with no candidate.
ExposureRank rank_among_candidates(double feature_score, const std::vector<double>& candidate_scores);

/// Ranks element 0 of `scores` (the feature) among elements 1.. (its candidates).
ExposureRank rank_first(const std::vector<double>& scores);

/// Element-wise a − b (the canary-minus-control scores d(π)); RuntimeError when lengths differ.
std::vector<double> difference(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace ufm
