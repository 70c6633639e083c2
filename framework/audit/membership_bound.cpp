#include "audit/membership_bound.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/normal_distribution.h"
#include "core/statistics.h"

namespace ufm {

namespace {

// log((1 − δ − b)/a), or 0 where the numerator is not positive (nothing ruled out).
double epsilon_from_rates(double a, double b, double delta) {
  const double numerator = 1.0 - delta - b;
  if (numerator <= 0.0) return 0.0;
  return std::max(0.0, std::log(numerator / a));
}

}  // namespace

MembershipBound membership_bound(const MembershipCounts& counts, double delta, double confidence) {
  UFM_CHECK(counts.members >= 1 && counts.non_members >= 1, RuntimeError,
            "membership_bound: expected at least one member and one non-member, found ", counts.members, " and ",
            counts.non_members);
  UFM_CHECK(counts.true_positives >= 0 && counts.true_positives <= counts.members && counts.false_positives >= 0 &&
                counts.false_positives <= counts.non_members,
            RuntimeError, "membership_bound: counts outside [0, n]: ", counts.true_positives, "/", counts.members,
            " true positives, ", counts.false_positives, "/", counts.non_members, " false positives");
  UFM_CHECK(delta >= 0.0 && delta < 1.0, RuntimeError, "membership_bound: expected delta in [0, 1), found ", delta);
  UFM_CHECK(confidence > 0.0 && confidence < 1.0, RuntimeError,
            "membership_bound: expected confidence in (0, 1), found ", confidence);
  // A two-sided interval at `confidence` has each one-sided end at 1 − (1 − confidence)/2.
  const std::int64_t false_negatives = counts.members - counts.true_positives;
  MembershipBound bound;
  bound.tpr = static_cast<double>(counts.true_positives) / static_cast<double>(counts.members);
  bound.fpr = static_cast<double>(counts.false_positives) / static_cast<double>(counts.non_members);
  bound.fpr_upper = clopper_pearson_interval(counts.false_positives, counts.non_members, confidence).second;
  bound.fnr_upper = clopper_pearson_interval(false_negatives, counts.members, confidence).second;
  bound.tpr_lower = 1.0 - bound.fnr_upper;
  const double a = bound.fpr_upper;
  const double b = bound.fnr_upper;
  bound.epsilon_lower = std::max(epsilon_from_rates(a, b, delta), epsilon_from_rates(b, a, delta));
  // Φ⁻¹(1 − a) − Φ⁻¹(b) = isf(a) + isf(b) with isf(p) = Φ⁻¹(1 − p); a, b ∈ (0, 1] (a
  // Clopper–Pearson upper bound is never 0), and a = 1 or b = 1 rules nothing out.
  const double mu = (a >= 1.0 || b >= 1.0) ? 0.0 : normal_isf(a) + normal_isf(b);
  bound.mu_lower = std::max(0.0, mu);
  return bound;
}

MembershipBound perfect_membership_bound(std::int64_t members, std::int64_t non_members, double delta,
                                         double confidence) {
  return membership_bound(MembershipCounts{members, members, non_members, 0}, delta, confidence);
}

}  // namespace ufm
