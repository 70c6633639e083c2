#pragma once
/// The tables and figure of an unlearning experiment (issue "Unlearning the canary";
/// docs/unlearning.md): how much of the memorised feature is left after each method and
/// strength, against each reference, and what the method cost.
#include <map>
#include <string>
#include <vector>

#include "report/table.h"
#include "storage/run_record.h"

namespace ufm {

/// "feature removed" is said only when the upper 95 % confidence limit of the after-effect
/// lies below this fraction of the before-effect.
constexpr double kRemovedFraction = 0.25;

/// A mean over independent pairs with its 95 % interval.
struct EffectInterval {
  double mean, low, high;
};

/// The verdict of one row of the unlearning table, from the before- and after-effects of
/// M − reference: "nothing shown memorised before (…)" when before's interval does not lie
/// above 0; else "feature removed" when after.high < kRemovedFraction × before.mean (a NaN
/// limit never removes), else "not shown to be removed"; "; over-forgotten (…)" is added
/// whenever after.high < 0.
std::string unlearning_verdict(const EffectInterval& before, const EffectInterval& after);

/// True when `file` holds an unlearned canary.
bool has_unlearning_runs(const ResultFile& file);

/// The unlearned canaries of `file` by variant (their varying_keys), in variant order.
std::map<std::string, std::vector<const RunRecord*>> unlearned_canaries_by_variant(const ResultFile& file);

/// "unlearning": one row per variant (the unlearned runs' varying_keys) and reference —
/// (a) retrained (image removed), (b) never seen (the trained control), (c) same procedure
/// (the control unlearned alike) — over the unlearned canaries (independent pairs):
///   pairs
///   before, after       mean of M − reference over pairs with its 95 % t interval
///                       (before: the trained canary against the reference before
///                       unlearning; (a) is the same model both times)
///   left                after mean / before mean
///   exposure p before, after   Fisher's combination of the per-pair exposure p-values
///                       (the feature's rank by s_model − s_reference among the candidates)
///   FPR (null pairs)    with `null_pairs` (a calibration run of the same design, decoy
///                       features): the fraction of its unlearned null pairs of the same
///                       variant with exposure p after < 0.05, with its 95 % Clopper–Pearson
///                       interval; "not measured" without
///   verdict             unlearning_verdict(before, after)
Table unlearning_table(const ResultFile& file, const ResultFile* null_pairs = nullptr);

/// "unlearning_cost": one row per variant and a last row "retraining" (reference (a)):
/// pairs; test accuracy before; its change (mean, 95 % t interval); the forget image's loss
/// and accuracy before and after; seconds per unlearning; time as a fraction of retraining
/// (unlearning seconds / the retrained reference's training seconds, mean over pairs).
Table unlearning_cost_table(const ResultFile& file);

/// Writes unlearning.dat + unlearning.gp → unlearning.png into `directory`: M − reference
/// after unlearning (against (c) and against (a), mean over pairs with its 95 % interval)
/// against the change of test accuracy, one point per variant, the before-effect (M −
/// control of the trained canaries) as a dashed line, and retraining (R − control) as the
/// reference point. Returns the PNG path ("" without unlearning runs).
std::string write_unlearning_plot(const ResultFile& file, const std::string& directory);

}  // namespace ufm
