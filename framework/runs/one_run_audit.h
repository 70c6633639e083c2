#pragma once
/// The two stages of a one-run audit (canaries.mode: one_run; Steinke, Nasr, Jagielski
/// 2023): before training, stamp each canary image whose coin came up; after training,
/// score every canary's feature on its label's probe images, rank them, guess and count.
#include "runs/run_stages.h"

namespace ufm {

/// Draws the canaries, features and coins (features/one_run_draw.h) and stamps the images
/// whose coin came up into the run's training view (none under canaries.null_audit).
void stamp_one_run(RunState& state);

/// s_j = mean log p(y_j | probe ⊕ π_j) over up to evaluation.candidate_probe_limit probe
/// images of label y_j (one pass of candidate_means per label), standardised per label; the
/// auditor's guesses (audit/one_run_audit.h) with the p-value of "no memorisation" and the
/// ε lower bound at privacy.delta. Stored under schema::kOneRun*.
void score_one_run(RunState& state);

}  // namespace ufm
