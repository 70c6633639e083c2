#pragma once
/// Scorers by name. A new score is one .h/.cpp pair (a Scorer and its make_ function) plus
/// one `add` line in register_builtin_scorers() — the pattern of the model and dataset
/// registries. The run stores what every registered scorer returns; after every epoch
/// (evaluation.per_epoch) it stores the outputs declared per_epoch of the probes-only scorers,
/// stacked along a leading "epoch" axis under scores_per_epoch/.
#include <memory>
#include <string>
#include <vector>

#include "core/registry.h"
#include "scoring/scorer.h"

namespace ufm {

using ScorerRegistry = Registry<std::shared_ptr<const Scorer>>;

/// Every registered scorer (the built-ins on first use).
ScorerRegistry& scorer_registry();

/// The outputs of every scorer registered before the first scoring, in `context` (probes-only
/// scorers alone when `probes_only`). A scorer that returns nothing had no input in `context`.
/// RuntimeError when a scorer that runs returns an output it did not declare, or misses one it
/// declared without a condition.
ScoreResult score_with_all(const ScoringContext& context, bool probes_only = false);

/// "scores/M" → "scores_per_epoch/M".
std::string per_epoch_path(const std::string& path);

/// The per-epoch form of `epochs` (one score_with_all(…, true) per epoch): every output
/// declared per_epoch, stacked with a leading "epoch" axis ("epoch" for a scalar,
/// "epoch,label" for a per-label array). Empty for no epochs.
ScoreArrays stack_per_epoch(const std::vector<ScoreArrays>& epochs);

}  // namespace ufm
