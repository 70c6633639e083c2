#include "audit/threshold_audit.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"

namespace ufm {

namespace {

std::vector<double> defined(const std::vector<double>& scores) {
  std::vector<double> kept;
  for (double s : scores) {
    if (!std::isnan(s)) kept.push_back(s);
  }
  return kept;
}

std::int64_t at_least(const std::vector<double>& scores, double threshold) {
  return static_cast<std::int64_t>(std::count_if(scores.begin(), scores.end(), [&](double s) { return s >= threshold; }));
}

MembershipCounts counts_at(const std::vector<double>& members, const std::vector<double>& non_members,
                           double threshold) {
  return MembershipCounts{static_cast<std::int64_t>(members.size()), at_least(members, threshold),
                          static_cast<std::int64_t>(non_members.size()), at_least(non_members, threshold)};
}

}  // namespace

ThresholdAudit threshold_audit(const ScoredModels& selection, const ScoredModels& evaluation, double delta,
                               double confidence) {
  const std::vector<double> select_members = defined(selection.members);
  const std::vector<double> select_non_members = defined(selection.non_members);
  const std::vector<double> eval_members = defined(evaluation.members);
  const std::vector<double> eval_non_members = defined(evaluation.non_members);
  UFM_CHECK(!select_members.empty() && !select_non_members.empty() && !eval_members.empty() &&
                !eval_non_members.empty(),
            RuntimeError, "threshold_audit: each half needs a member and a non-member score, found ",
            select_members.size(), "+", select_non_members.size(), " to choose the threshold and ",
            eval_members.size(), "+", eval_non_members.size(), " to count");
  std::vector<double> thresholds = select_members;
  thresholds.insert(thresholds.end(), select_non_members.begin(), select_non_members.end());
  thresholds.push_back(std::numeric_limits<double>::infinity());
  std::sort(thresholds.begin(), thresholds.end(), std::greater<>());
  thresholds.erase(std::unique(thresholds.begin(), thresholds.end()), thresholds.end());

  ThresholdAudit audit;
  double best_epsilon = -1.0, best_advantage = -2.0;
  for (double threshold : thresholds) {  // from the largest, so ties keep the larger threshold
    const MembershipCounts counts = counts_at(select_members, select_non_members, threshold);
    const MembershipBound bound = membership_bound(counts, delta, confidence);
    const double advantage = bound.tpr - bound.fpr;
    if (bound.epsilon_lower > best_epsilon || (bound.epsilon_lower == best_epsilon && advantage > best_advantage)) {
      best_epsilon = bound.epsilon_lower;
      best_advantage = advantage;
      audit.threshold = threshold;
      audit.selection = counts;
    }
  }
  audit.evaluation = counts_at(eval_members, eval_non_members, audit.threshold);
  audit.bound = membership_bound(audit.evaluation, delta, confidence);
  audit.design_limit = perfect_membership_bound(audit.evaluation.members, audit.evaluation.non_members, delta,
                                                confidence);
  return audit;
}

}  // namespace ufm
