#pragma once
/// Did a change of setting change the science? Two result files of one design that differ
/// in some settings (train.precision fp32 → bf16, another LibTorch, another machine) are
/// compared run by run: each trained model of BASE is matched with the model of OTHER that
/// has the same role, seed, canary index and swept values, so every difference is paired.
/// `ufm compare` prints the three tables below.
#include <string>
#include <vector>

#include "report/table.h"
#include "storage/run_record.h"

namespace ufm {

/// "key: base → other" for every config key whose value differs between the two files'
/// experiment configs ("(default)" where one file does not write it), output.* and
/// execution.* left out (they say where and how fast, not what was computed).
std::vector<std::string> changed_settings(const ResultFile& base, const ResultFile& other);

/// A trained model of BASE and its counterpart in OTHER.
struct MatchedRun {
  const RunRecord* base = nullptr;
  const RunRecord* other = nullptr;
};

/// The controls and canaries (trained pairs only: no unlearned or one-run records) found
/// in both files, matched by role, seed, canary index and varying_keys, in BASE's order.
/// `unmatched` counts those of either file that have no counterpart.
std::vector<MatchedRun> match_runs(const ResultFile& base, const ResultFile& other, std::size_t* unmatched = nullptr);

/// "paired_runs": one row per quantity (test accuracy, best and trained epochs, seconds per
/// epoch, seconds per model; for canaries M and M − control): models, BASE mean, OTHER
/// mean, the mean paired difference OTHER − BASE with its 95 % Student-t interval (the
/// models of different seeds and pairs are independent), and OTHER/BASE for the times.
Table paired_runs_table(const ResultFile& base, const ResultFile& other);

/// "verdict_changes": for every per-canary test (report/per_canary_tests.h) and α, over the
/// canaries matched in both files: how many reject in BASE and in OTHER (on null pairs
/// these are false positives, else detections), how many reject in only one, and the exact
/// McNemar p of "the rejection rate is the same" (two-sided binomial test on the discordant
/// pairs: McNemar 1947; exact form, e.g. Agresti 2013 §11.1). Valid because the rows are
/// paired: one canary's two trainings share seed, image and feature. The last column is the
/// mean shift OTHER − BASE of each canary's evidence z = Φ⁻¹(1 − p) (Stouffer's z; exposure
/// ranks randomised as Stouffer's method takes them; p held in [1e-12, 1 − 1e-12]) with its
/// 95 % t interval: a change of strength that flips too few verdicts for McNemar shows here.
Table verdict_changes_table(const ResultFile& base, const ResultFile& other,
                            const std::vector<double>& alphas = {0.05, 0.01});

/// Exact two-sided McNemar p for `only_base` and `only_other` discordant pairs:
/// min(1, 2·P(X ≥ max(b, c))) with X ~ Binomial(b + c, 1/2); 1 with no discordant pair.
double mcnemar_exact_p(std::int64_t only_base, std::int64_t only_other);

}  // namespace ufm
