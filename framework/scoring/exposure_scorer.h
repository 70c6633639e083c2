#pragma once
/// Exposure as a scorer, "exposure": the canary's feature ranked among candidate patterns by
/// the kept model's s(π) (label known and unknown), and, where the canary has its own control,
/// by d(π) = s_canary(π) − s_control(π) (schema.h, "Exposure"; docs/verdicts.md).
#include <ATen/Tensor.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "evaluation/candidate_scores.h"
#include "evaluation/exposure.h"
#include "features/pattern.h"
#include "scoring/scorer.h"

namespace ufm {

/// What exposure is computed over; a run provides it on a canary with evaluation.exposure.
struct ExposureInputs {
  const std::vector<Pattern>* patterns = nullptr;  ///< the feature, then its candidates
  StampSpec stamp;
  const at::Tensor* ood_images = nullptr;  ///< raw [0,1] OOD images the patterns are stamped on
  const at::Tensor* ood_labels = nullptr;
  std::int64_t probe_limit = 0;             ///< evaluation.candidate_probe_limit
  bool save_candidate_scores = false;       ///< also store every pattern's s(π)
};

/// The key of ScoreResult::kept under which the exposure scorer leaves the canary's
/// label-known s(π) of every pattern (the references of an unlearned canary read them).
inline constexpr const char* kKeptExposureScores = "exposure/known_scores";

/// X, X_rank and X_p of one exposure ranking under `prefix` (schema.h, "Exposure").
void add_exposure_rank(ScoreArrays& arrays, const std::string& prefix, const ExposureRank& rank);

std::shared_ptr<const Scorer> make_exposure_scorer();

}  // namespace ufm
