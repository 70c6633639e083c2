#include "scoring/scorer.h"

namespace ufm {

const MemorisationScores& ScoringContext::memorisation() const {
  if (!memorisation_) memorisation_ = memorisation_scores(probes_);
  return *memorisation_;
}

ArrayData int_output(std::int64_t value) { return ArrayData{{}, "", std::vector<std::int64_t>{value}}; }

}  // namespace ufm
