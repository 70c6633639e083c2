#pragma once
/// How far each printed p-value can be trusted for the design that produced it
/// (docs/verdicts.md, "Which tests are valid"): calibration states measured on null pairs,
/// the marks the authors' per-model tests carry, designs under which a test across canaries
/// is pseudo-replication, and exposure p-values that are descriptive only.
#include <cstdint>
#include <string>
#include <vector>

#include "storage/run_record.h"

namespace ufm {

/// One test's calibration on null pairs.
struct Calibration {
  std::string test;
  std::int64_t pairs = 0;            ///< null pairs (or pooled draws) measured
  std::vector<double> alphas;        ///< the levels measured
  std::vector<double> rates;         ///< false-positive rate at each α
  std::vector<double> lower, upper;  ///< 95 % Clopper–Pearson interval of each rate
  double ks_statistic = 0.0;         ///< NaN for pooled draws (they overlap)
  double ks_p = 0.0;
  /// Set when the null pairs' design makes this test descriptive (see exposure_descriptive_reason).
  std::string descriptive;
  /// What `pairs` counts, as printed: "null pairs", or for a pooled test "resampled 8-pair
  /// subsets of 40 null pairs".
  std::string unit = "null pairs";
};

/// With n null pairs and the Clopper–Pearson interval [L, U] of a false-positive rate at α:
/// not calibrated when L > α, conservative when U < α, otherwise no excess detected.
enum class CalibrationState { kNotCalibrated, kConservative, kNoExcessDetected };
CalibrationState calibration_state(double lower, double upper, double alpha);

/// The state at α = alphas[a] in words, never the bare word "calibrated":
///   "not calibrated (FPR 0.375 [0.227, 0.542] at 0.05, 40 null pairs)"
///   "conservative (FPR 0 [0, 0.088] at 0.05, 40 null pairs)"
///   "no excess false positives detected (40 null pairs; up to 0.169 not excluded)"
/// "descriptive: …" when the null pairs' design makes the test descriptive.
std::string calibration_phrase(const Calibration& c, std::size_t a = 0);

/// A calibration run's measurements and where they come from.
struct CalibrationEvidence {
  std::vector<Calibration> tests;
  /// e.g. "results/paper/calibration.h5: 40 null pairs, data.name=fashion_mnist, model.name=mlp,
  /// train.precision=fp32"
  std::string source;
  /// The test named `name`, or the first whose name starts with `name` + " (" for pooled
  /// tests ("sign test (M − control" finds "sign test (M − control, 8 pairs)"); null if none.
  const Calibration* find(const std::string& name) const;
};

/// The mark of a test that `evidence` may have measured: "not calibrated" (nothing
/// measured) or its calibration_phrase followed by " — " and the evidence's source.
/// `unmeasured` replaces "not calibrated" where a missing measurement is not a verdict.
std::string calibration_mark(const std::string& test, const CalibrationEvidence* evidence,
                             const std::string& unmeasured = "not calibrated");

/// The authors' per-model tests on M, as named in calibration tables.
extern const char* const kAuthorsTTest;       ///< "M t-test (authors)"
extern const char* const kAuthorsMannWhitney;  ///< "M Mann-Whitney (authors)"
/// The 2023 probability score's per-model t-tests (scores/M_prob_ttest_p and, Bonferroni-
/// corrected over the classes, scores/M_prob_label_unknown_p).
extern const char* const kProbabilityTTest;         ///< "M_prob t-test (2023)"
extern const char* const kProbabilityUnknownTTest;  ///< "M_prob t-test, label unknown (2023, Bonferroni)"

/// True when the canary was trained under the authors' shared pairing (one seed and one
/// control for all canaries; also every file written before canaries.pairing existed).
bool shared_pairing(const RunRecord& canary);

/// True when the canary is one of a null pair: its config has feature.decoy = true.
bool is_null_pair(const RunRecord& canary);

/// What a summary prints instead of a verdict for a design with one shared control.
extern const char* const kNoVerdictForSharedControl;

/// Why a shared-control p-value across canaries is not a test.
extern const char* const kDependentCanaries;

/// "" when the canary's exposure p-values are valid rank tests (a random feature among
/// random candidates drawn like it); otherwise why they are descriptive only: a fixed
/// feature (a letter or a matrix) is not exchangeable with random candidates, and a letters
/// or list candidate space is not drawn from the feature's distribution.
std::string exposure_descriptive_reason(const RunRecord& canary);

/// The exposure p-value a pooled Stouffer test uses for a rank p = rank/(C+1): the
/// randomised p − U/(C+1), U ~ Uniform(0,1) from a hash of the run identity and `path`.
/// It is uniform under exchangeability (a valid p-value) and never exactly 1, where
/// Φ⁻¹(1 − p) = −∞ would make the pooled p 1 whatever the other pairs say. Other p-values
/// (no candidate count stored) are returned unchanged.
double stouffer_ready_p(const RunRecord& canary, const std::string& path, double p);

}  // namespace ufm
