#pragma once
/// A membership audit from many models (Jagielski, Ullman, Oprea 2020; Nasr et al. 2021,
/// "Adversary instantiation", S&P): a per-model score (higher = "member") is thresholded
/// into guesses, the threshold chosen on one half of the models and the counts taken on the
/// other, so the Clopper–Pearson bounds of membership_bound hold for the counts. Torch-free.
#include <vector>

#include "audit/membership_bound.h"

namespace ufm {

/// The scores of one half of the models: members were trained with the canary, non-members
/// without. NaN scores (a model the score is undefined for) are left out.
struct ScoredModels {
  std::vector<double> members;
  std::vector<double> non_members;
};

struct ThresholdAudit {
  /// Guess "member" when score >= threshold; +∞ guesses no member (no threshold of the
  /// selection half did better).
  double threshold = 0.0;
  MembershipCounts selection;   ///< counts at the threshold on the half that chose it
  MembershipCounts evaluation;  ///< counts on the other half: what the bound is from
  MembershipBound bound;        ///< membership_bound(evaluation)
  MembershipBound design_limit; ///< perfect_membership_bound of the evaluation half's sizes
};

/// The threshold is the observed selection score (or +∞) whose selection counts give the
/// largest ε lower bound, ties broken by the larger TPR − FPR and then by the larger
/// threshold (fewer "member" guesses). RuntimeError when either half has no member or no
/// non-member score.
ThresholdAudit threshold_audit(const ScoredModels& selection, const ScoredModels& evaluation, double delta,
                               double confidence = 0.95);

}  // namespace ufm
