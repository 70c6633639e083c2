#pragma once
/// Memorisation verdicts across canaries (docs/verdicts.md): pooled p-values per setting,
/// marked with their calibration measured on null pairs (report/calibration.h), and their
/// power against the number of pairs. Pure functions of the stored runs; the figures are
/// report/verdict_plots.h.
#include <cstdint>
#include <string>
#include <vector>

#include "report/calibration.h"
#include "report/per_canary_tests.h"
#include "report/settings.h"
#include "report/table.h"
#include "report/test_validity.h"
#include "storage/run_record.h"

namespace ufm {

/// "exposure": one row per canary storing exposure, ordered by setting then pair key:
/// grouping columns, run (identity), pair, canary, label, pairing, then for each exposure test
/// its exposure (bits) and p, M − control, then, when canaries saved their candidate scores
/// (evaluation.save_candidate_scores), "effect stamped" (s(π) of the canary minus its
/// control's, for the feature) and "effect not stamped" (the same averaged over the
/// candidates), and validity ("descriptive: …" where the design
/// makes the exposure p descriptive; see exposure_descriptive_reason).
Table exposure_table(const GroupedRuns& grouped);

/// "verdicts": per setting of `grouped` and per test, over the canaries storing its p-value:
///   canaries (finite p), NaN (canaries whose p is NaN), mean exposure (bits),
///   p < 0.05 (count), expected (0.05·n),
///   binomial p   P(X >= count), X ~ Binomial(n, 0.05)
///   Fisher p, Stouffer p   combinations of the canaries' p-values (Stouffer on the
///                          randomised rank p of stouffer_ready_p)
/// and a row "M − control" (d = canary M − control M at its label, averaged over patch draws)
/// with sign-test and Wilcoxon p-values (H1: d > 0). Column "null-pair FPR at 0.05": the test's
/// false-positive rate measured on null pairs ("0.05 of 40"), empty without null pairs.
/// Column "validity": kDependentCanaries where a canary of the setting used shared pairing;
/// "descriptive: …" for exposure tests whose design is not exchangeable; "unpaired: …" when a
/// comparison is not really paired; then the calibration phrase of the test where null pairs
/// measured it. The null pairs are those of `null_pairs` when given (a calibration run in its
/// own file: `ufm report --calibration FILE`), else those of `file`.
Table verdict_table(const GroupedRuns& grouped, const ResultFile& file, const ResultFile* null_pairs = nullptr);

/// ConfigError when every setting of `grouped` has one shared control, so that `table`
/// (verdicts, power), asked for by name, could hold no valid pooled verdict.
void check_pooled_verdicts_possible(const GroupedRuns& grouped, const std::string& table);

/// "power": per setting (null pairs left out) and pair count n in `sizes` (those not above
/// the canaries available, plus the count available): the first n canaries by pair key,
/// then per test the fraction detected (p < 0.05) and Fisher and Stouffer p; the row
/// "M − control" gives the fraction with d > 0 and the sign and Wilcoxon p; "validity" as in
/// the verdicts table (without calibration).
Table power_table(const GroupedRuns& grouped, const std::vector<std::int64_t>& sizes = {8, 16, 32});

}  // namespace ufm
