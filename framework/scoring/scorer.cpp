#include "scoring/scorer.h"

namespace ufm {

const MemorisationScores& ScoringContext::memorisation() const {
  if (!memorisation_) memorisation_ = memorisation_scores(probes_);
  return *memorisation_;
}

}  // namespace ufm
