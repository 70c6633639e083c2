#pragma once
/// M over several random-patch draws as a scorer, "patch_draws" (evaluation.patch_draws > 1):
/// the random probe's patches are redrawn D times and M is recomputed on each, so the score's
/// spread from the patch draw alone can be read (scores/M stays draw 0).
#include <memory>
#include <vector>

#include "evaluation/scores.h"
#include "scoring/scorer.h"

namespace ufm {

/// M per draw (rows) as stored: axis "draw" at the canary's label, "draw,label" on a control.
ArrayData m_draws_output(const ScoringContext& context, const std::vector<std::vector<LabelKnownScore>>& draws);

std::shared_ptr<const Scorer> make_patch_draws_scorer();

}  // namespace ufm
