#pragma once
/// The table of one-run audits (canaries.mode: one_run; Steinke, Nasr, Jagielski 2023): per
/// training, how many of the auditor's guesses about which canaries were stamped were
/// right, the p-value of "no memorisation" and the ε lower bound.
#include "report/table.h"
#include "storage/run_record.h"

namespace ufm {

/// The setting of a one-run training without its seed ("k=v;k=v", "all runs" when nothing
/// else was swept): the trainings a pooled row combines.
std::string one_run_group(const RunRecord& run);

/// True when `file` holds a one-run audit.
bool has_one_run_audits(const ResultFile& file);
/// True when every run of `file` is a one-run audit (no canary or control to tabulate).
bool only_one_run_audits(const ResultFile& file);

/// "one_run": one row per one-run training, ordered by settings then seed:
///   settings (varying_keys), seed, null (yes: coins tossed, nothing stamped)
///   canaries (m), stamped (coins that came up), guesses (k₊ + k₋), correct (v)
///   p (no memorisation)   P(Bin(r, ½) ≥ v): exact under independent ½ coins
///   epsilon lower (delta) at 95 % (Steinke et al. 2023, Thm. 3.1 with δ)
///   guarantee             the accountant's ε (δ) for DP runs, else "not private"; "lower bound
///                         exceeds the guarantee (p < 0.05): check the DP code or the audit" when so
///   test acc
///   effect stamped, effect not stamped   where the file holds the run's null twin (the same
///                         canaries, coins and seed, nothing stamped: the same training without
///                         the stamps), the mean of s_j(run) − s_j(twin) over the canaries whose
///                         coin came up, and over the others: the per-feature effect of stamping
///   scoring s, train s
/// Then one row "pooled" per setting (varying keys without train.seed) with several
/// trainings: their summed guesses and correct guesses, the exact binomial p-value of the
/// sum (independent trainings with independent coins: Binomial(Σr, ½) under the null) and
/// Fisher's combination of their p-values.
Table one_run_table(const ResultFile& file);

/// The null audit that serves `run` as its independent reference model (issue item 1: a
/// bound may use only models with independent randomness): a null one-run training of the
/// same canaries (same images, feature.seed and feature.size) with another train.seed, so
/// another initialisation, data order and coins, and nothing stamped. Of those, the one
/// with the smallest seed above the run's, else the smallest: with seeds 0..n−1 for both
/// the audits and the nulls, every audit gets its own reference. nullptr when none.
const RunRecord* independent_reference(const RunRecord& run, const std::vector<const RunRecord*>& runs);

/// "one_run_reference": each one-run training's audit redone on s_j(run) − s_j(reference)
/// (Steinke et al. 2023 score each canary against a reference where one is available; the
/// feature's own difficulty cancels), standardised per label, with the run's k₊, k₋ and δ:
///   settings, seed, reference seed, null, canaries, guesses, correct, p (no memorisation),
///   epsilon lower (delta), "without reference: p" (the one_run table's p) to compare, and
///   "score correlation": Pearson's r between the run's and the reference's per-label
///   standardised scores (the reference can only help when r > ½: var(a − b) = 2σ²(1 − r)).
/// Valid as a p-value: the reference's scores do not depend on the run's coins. Then one
/// row "pooled" per setting whose trainings and references are all distinct models (the
/// sum over independent audits is Binomial(Σr, ½) under the null); a setting where some
/// reference is also one of its audits is not pooled.
Table one_run_reference_table(const ResultFile& file);

/// True when some one-run training of `file` has an independent_reference (the
/// one_run_reference table has rows), without building the table.
bool has_one_run_references(const ResultFile& file);

}  // namespace ufm
