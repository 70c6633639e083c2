#pragma once
/// Tables from result files: a pure function of the stored runs, so `ufm report` gives
/// the same table as the end of `ufm run` without retraining.
#include <string>

#include "report/test_validity.h"
#include "storage/run_record.h"

namespace ufm {

/// Markdown: one row per model (controls first, then canaries by setting, seed and index),
/// then one summary per setting (sweep point; never pooled across settings): mean M (over
/// patch draws where there are several) and its spread over draws, fraction M > 0, the
/// fraction of the authors' per-model tests below 0.05 (marked "not calibrated", or with the
/// rate `evidence` measured and its source), canary-minus-control means, NaN counts, repeated
/// canary indices, and the headline verdict valid for the design: under independent pairs
/// the sign and Wilcoxon tests of M − control across canaries (with their calibration);
/// under one shared control kNoVerdictForSharedControl instead of any test across canaries.
/// "Canary minus control" uses the control's M at the canary's label (shared/results.md),
/// as the canary re-scored it where stored (scores/M_control).
std::string markdown_summary(const ResultFile& file, const CalibrationEvidence* evidence = nullptr);

}  // namespace ufm
