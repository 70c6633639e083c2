#pragma once
/// The per-canary p-values that pooled verdicts, calibration and power tables take
/// (docs/verdicts.md): which tests exist, how their values are read from canary runs (NaN
/// ones dropped and counted), Stouffer's randomised rank p, the null pairs of a file, and
/// the pooled tests that are NaN rather than an error on empty input.
#include <cstdint>
#include <string>
#include <vector>

#include "core/statistics.h"
#include "report/settings.h"
#include "report/summary_statistics.h"
#include "storage/run_record.h"

namespace ufm {

/// A per-canary test whose p-values are counted, pooled and calibrated.
struct PerCanaryTest {
  std::string name;  ///< as printed ("exposure vs control")
  std::string path;  ///< the canary's scalar p-value, e.g. scores/exposure_vs_control_p
  /// Its exposure in bits where it has one ("" for the per-model tests on M and M_prob).
  std::string exposure_path;
};

/// exposure, exposure (label unknown), exposure vs control, exposure vs control (label
/// unknown), the authors' M t-test and Mann–Whitney test, then the 2023 M_prob t-test, label
/// known and label unknown (Bonferroni). The per-model tests are "not calibrated" unless
/// null pairs measured them.
const std::vector<PerCanaryTest>& per_canary_tests();

/// True when some canary stores an exposure p-value (files made with evaluation.exposure).
bool has_exposure(const ResultFile& file);

/// True when some canary of the file is a null pair.
bool has_null_pairs(const ResultFile& file);

bool is_canary(const RunRecord& run);
/// The run's pair key (−1 when it has none).
std::int64_t pair_key(const RunRecord& run);

/// Values of `path` on `canaries`, NaN ones dropped.
std::vector<double> values_of(const std::vector<const RunRecord*>& canaries, const std::string& path);
/// The same p-values as Stouffer's method takes them, NaN ones dropped: exposure rank
/// p-values randomised within their cell (stouffer_ready_p), other p-values unchanged.
std::vector<double> stouffer_values_of(const std::vector<const RunRecord*>& canaries, const PerCanaryTest& test);
/// Canaries that store `path` but whose value is NaN (counted and shown, never dropped silently).
std::int64_t nan_count(const std::vector<const RunRecord*>& canaries, const std::string& path);
/// The first reason any of `canaries` makes its exposure p descriptive ("" when none does).
std::string descriptive_reason(const std::vector<const RunRecord*>& canaries);
/// "unpaired: N comparison(s), <first reason>" when some comparison of `entries` is not
/// really paired; "" when all are.
std::string unpaired_reason(const std::vector<const CanaryEntry*>& entries);
/// What the design of a group of canaries allows: whether they share one control (a test
/// across them is pseudo-replication), why their exposure p-values are descriptive, and why
/// some canary-minus-control comparison is not paired. Every table decides from this.
struct SettingDesign {
  std::vector<const RunRecord*> runs;
  std::vector<const CanaryEntry*> entries;
  bool dependent = false;   ///< some canary used shared pairing
  std::string descriptive;  ///< why its exposure p-values are descriptive ("" = valid)
  std::string unpaired;     ///< unpaired_reason of the entries ("" = all paired)
  /// Whether tests across the canaries are valid: independent and all paired.
  bool testable() const { return !dependent && unpaired.empty(); }
};
SettingDesign design_of(const std::vector<const CanaryEntry*>& entries);
/// Every canary of `setting`.
std::vector<const CanaryEntry*> entries_of(const Setting& setting);

/// M − control of `canaries` (averaged over patch draws), NaN ones dropped.
std::vector<double> differences(const std::vector<const CanaryEntry*>& canaries);

/// The null-pair canaries of `file`, ordered by pair key, and their M − control (the
/// canary's re-scoring of its control where stored, else the control's M at its label).
std::vector<const RunRecord*> null_canaries(const ResultFile& file);
std::vector<double> null_differences(const ResultFile& file, const std::vector<const RunRecord*>& canaries);

/// How many of `p` lie below `alpha`.
std::int64_t count_below(const std::vector<double>& p, double alpha);

/// The pooled tests, NaN instead of an error on empty input (and, for Wilcoxon, when every
/// difference is 0: its approximate path rejects that).
TestResult fisher_or_nan(const std::vector<double>& p);
TestResult stouffer_or_nan(const std::vector<double>& p);
TestResult sign_or_nan(const std::vector<double>& d);
TestResult wilcoxon_or_nan(const std::vector<double>& d);

}  // namespace ufm
