#pragma once
/// Calibration of the per-canary and pooled tests on null pairs (docs/verdicts.md,
/// "Calibration"): false-positive rates with Clopper–Pearson intervals, KS tests of
/// uniformity, pooled tests on resampled subsets, and the evidence other tables quote.
#include <cstdint>
#include <string>
#include <vector>

#include "report/table.h"
#include "report/test_validity.h"
#include "storage/run_record.h"

namespace ufm {

struct CalibrationOptions {
  std::vector<double> alphas = {0.05, 0.01};
  /// Null pairs per pooled draw, and draws (subsets without replacement, seeded).
  std::int64_t pooled_pairs = 8;
  std::int64_t resamples = 2000;
  std::uint64_t seed = 0;
};

/// Calibration of every per-canary test over the null pairs of `file`, then of the pooled
/// tests (Fisher and Stouffer over each per-canary test's p-values; sign and Wilcoxon on
/// M − control) on `pooled_pairs`-subsets of them. Exposure tests of a design that makes
/// them descriptive carry the reason.
std::vector<Calibration> calibrate(const ResultFile& file, const CalibrationOptions& options = {});

/// "calibration": test, null pairs, then per α: FPR and its 95 % interval; KS D and p;
/// verdict at α = 0.05 (calibration_phrase: never the bare word "calibrated").
Table calibration_table(const ResultFile& file, const CalibrationOptions& options = {});

/// The measurements of the null pairs of `file` (calibrate) with their source: `path`, the
/// number of null pairs and their setting (data.name, model.name). Empty tests without null
/// pairs.
CalibrationEvidence calibration_evidence(const ResultFile& file, const std::string& path);

}  // namespace ufm
