// The threshold audit: the threshold comes from the selection half alone, the counts and
// the bound from the other half, and undefined scores are left out.
#include "audit/threshold_audit.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/error.h"

namespace ufm {
namespace {

// Property: with members and non-members separated in both halves, the audit counts every
// guess right and reaches its design limit.
TEST(ThresholdAudit, SeparatedScoresReachTheDesignLimit) {
  const ScoredModels select{{5, 6, 7, 8}, {1, 2, 3, 4}};
  ScoredModels evaluate;
  for (int i = 0; i < 10; ++i) {
    evaluate.members.push_back(5.5 + i);
    evaluate.non_members.push_back(0.5 - i);
  }
  const ThresholdAudit audit = threshold_audit(select, evaluate, 1e-5);
  EXPECT_EQ(audit.evaluation.true_positives, 10);
  EXPECT_EQ(audit.evaluation.false_positives, 0);
  EXPECT_DOUBLE_EQ(audit.bound.epsilon_lower, audit.design_limit.epsilon_lower);
  EXPECT_GT(audit.bound.epsilon_lower, 0.0);
  EXPECT_GT(audit.threshold, 4.0);
  EXPECT_LE(audit.threshold, 5.0);
}

// Property: the threshold does not depend on the evaluation half (so its counts are honest
// binomials), and an evaluation half that contradicts the selection gives no bound.
TEST(ThresholdAudit, TheEvaluationHalfDoesNotChooseTheThreshold) {
  const ScoredModels select{{5, 6, 7, 8}, {1, 2, 3, 4}};
  const ThresholdAudit a = threshold_audit(select, ScoredModels{{1, 2}, {7, 8}}, 1e-5);
  const ThresholdAudit b = threshold_audit(select, ScoredModels{{9, 9}, {0, 0}}, 1e-5);
  EXPECT_EQ(a.threshold, b.threshold);
  EXPECT_EQ(a.bound.epsilon_lower, 0.0);
  EXPECT_EQ(a.evaluation.true_positives, 0);
}

// Property: NaN scores are left out of the counts, and a half left without a member or a
// non-member is refused.
TEST(ThresholdAudit, UndefinedScoresAreLeftOut) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const ThresholdAudit audit =
      threshold_audit(ScoredModels{{5, nan}, {1, 2}}, ScoredModels{{6, nan, 7}, {nan, 0}}, 1e-5);
  EXPECT_EQ(audit.evaluation.members, 2);
  EXPECT_EQ(audit.evaluation.non_members, 1);
  EXPECT_THROW(threshold_audit(ScoredModels{{nan}, {1}}, ScoredModels{{2}, {1}}, 1e-5), RuntimeError);
}

}  // namespace
}  // namespace ufm
