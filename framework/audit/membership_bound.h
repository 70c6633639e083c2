#pragma once
/// ε and μ lower bounds from a membership test's counts (../shared/privacy.md, "Auditing").
/// Torch-free. The test guessed "member" or "non-member" for models of which the auditor
/// knows the truth; its error rates, bounded from above with Clopper–Pearson, bound the
/// privacy of the mechanism from below.
#include <cstdint>

namespace ufm {

/// What a membership test got right and wrong on one set of guesses.
struct MembershipCounts {
  std::int64_t members = 0;          ///< models trained with the canary
  std::int64_t true_positives = 0;   ///< members guessed "member"
  std::int64_t non_members = 0;      ///< models trained without it
  std::int64_t false_positives = 0;  ///< non-members guessed "member"
};

struct MembershipBound {
  double tpr = 0.0;        ///< true_positives / members
  double fpr = 0.0;        ///< false_positives / non_members
  double tpr_lower = 0.0;  ///< 1 − fnr_upper
  double fpr_upper = 0.0;  ///< one-sided Clopper–Pearson upper bound on the FPR
  double fnr_upper = 0.0;  ///< one-sided Clopper–Pearson upper bound on the FNR
  /// The largest ε that an (ε, δ)-DP mechanism could not have given these counts with
  /// probability `confidence`; 0 when the counts rule nothing out.
  double epsilon_lower = 0.0;
  /// The same for μ-GDP.
  double mu_lower = 0.0;
};

/// Bounds at `confidence` (both error rates' one-sided Clopper–Pearson bounds at
/// 1 − (1 − confidence)/2, so the pair holds at `confidence` by the union bound; Jagielski,
/// Ullman, Oprea 2020, "Auditing differentially private machine learning", NeurIPS, Alg. 2).
///   ε: an (ε, δ)-DP mechanism has α + e^ε β ≥ 1 − δ and β + e^ε α ≥ 1 − δ for every test
///      (Kairouz, Oh, Viswanath 2015, "The composition theorem for differential privacy",
///      ICML, Thm. 2.1), so ε ≥ max(log((1 − δ − β̄)/ᾱ), log((1 − δ − ᾱ)/β̄), 0).
///   μ: a μ-GDP mechanism has β ≥ Φ(Φ⁻¹(1 − α) − μ) (Dong, Roth, Su 2022, Def. 2.7), so
///      μ ≥ max(Φ⁻¹(1 − ᾱ) − Φ⁻¹(β̄), 0).
/// RuntimeError for no member or no non-member, counts outside their range, δ outside
/// [0, 1) or confidence outside (0, 1).
MembershipBound membership_bound(const MembershipCounts& counts, double delta, double confidence = 0.95);

/// membership_bound of a perfect test on `members` and `non_members` guesses: the largest
/// bound the design can reach, so a small bound is read correctly.
MembershipBound perfect_membership_bound(std::int64_t members, std::int64_t non_members, double delta,
                                         double confidence = 0.95);

}  // namespace ufm
