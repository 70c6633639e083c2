#pragma once
/// The table of empirical privacy (issue "Empirical privacy"): per setting, an ε and μ lower
/// bound from telling canary models (members: trained with the canary's feature) from
/// their controls (non-members), beside the accountant's guarantee where the runs were
/// private. ../shared/privacy.md, "Auditing".
#include <string>
#include <utility>
#include <vector>

#include "audit/membership_bound.h"
#include "audit/threshold_audit.h"
#include "report/settings.h"
#include "report/table.h"

namespace ufm {

inline constexpr const char* kAuditScoreExposure = "exposure";
inline constexpr const char* kAuditScoreM = "M";

/// "members+non-members" of an audit half's counts.
std::string audit_counts_cell(const MembershipCounts& counts);

/// The two halves of an audit over pairs (member score, non-member score) in pair order:
/// pairs with a NaN score are left out, the others alternate between the half that chooses
/// the threshold (halves[0]) and the half that is counted (halves[1]).
struct AuditHalves {
  ScoredModels halves[2];
  std::size_t pairs = 0;  ///< pairs kept
};
AuditHalves audit_halves(const std::vector<std::pair<double, double>>& member_and_non_member);

/// The δ a run's ε lower bound is stated at: its privacy.delta (1e-5 when it has none).
double audit_delta(const RunRecord& run);

/// True when some canary of `file` stores the control's own exposure
/// (scores/exposure_control), so the default audit can run.
bool has_audit_scores(const ResultFile& file);

/// Why `grouped` cannot be audited with `score`, in one line naming the option or key; ""
/// when it can: `score` is an audit score, and every setting has at least two pairs, all
/// independent (canaries.pairing: independent; a shared control would make every
/// non-member guess one model's).
std::string audit_refusal(const GroupedRuns& grouped, const std::string& score);

/// "audit": one row per setting: grouping columns, then
///   score              exposure: each model's own rank of the canary's feature among the
///                      candidates (label known; the canary stores the control's as
///                      scores/exposure_control); M: the authors' score at the canary's label.
///                      Each model is scored alone, so no reference enters the guess and
///                      pairing with shared noise cannot cancel what DP adds.
///   pairs              canary–control pairs with the score defined
///   choose / count     members+non-members of the half choosing the threshold and of the
///                      half counted (pairs alternate between the halves in canary order)
///   threshold          guess "member" at score >= threshold
///   TPR (lower), FPR (upper)   on the counted half, one-sided 97.5 % Clopper–Pearson bounds
///   epsilon lower (delta)      the (ε, δ) lower bound at 95 % (membership_bound), δ =
///                      privacy.delta of the runs
///   mu lower           the μ-GDP lower bound from the same counts
///   design limit       ε / μ a perfect test on the counted half would show
///   guarantee          ε (δ) / μ of the accountant (replace-one), "not private" otherwise
///   check              "within the guarantee", or "lower bound exceeds the guarantee (p <
///                      0.05): check the DP code or the audit"; "no guarantee" without DP
/// Bounds are for the replace-one relation (stamping replaces an image).
Table audit_table(const GroupedRuns& grouped, const std::string& score = kAuditScoreExposure);

}  // namespace ufm
