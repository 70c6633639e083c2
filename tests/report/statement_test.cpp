// The plain-language statement: each number it quotes is the tables' number, and the
// wording follows the verdict ("detected" / "not detected with n pairs", never "not
// memorised") and the guarantee.
#include "report/statement.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/statistics.h"
#include "core/text.h"
#include "report_records.h"

namespace ufm {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// 20 independent pairs whose canaries all out-score their controls; each canary's
// exposure-vs-control p-value is `p`.
ResultFile pairs_with_p(double p) {
  ResultFile file = testing::audit_pairs(std::vector<double>(20, 9.0), std::vector<double>(20, 1.0));
  for (auto& run : file.runs) {
    if (run.int_attribute(schema::kIsControl) == 1) continue;
    run.arrays[std::string(schema::kExposureVsControl) + schema::kExposurePSuffix] = ArrayData::scalar(p);
  }
  return file;
}

// Property: a small pooled p reads "memorisation detected" with Fisher's p of the stored
// p-values; a large one reads "Not detected with 20 pairs" and never "not memorised"
// without its caveat; without DP the statement says there is no guarantee.
TEST(Statement, FollowsTheVerdictAndQuotesItsPValue) {
  const std::string detected = privacy_statement(group_runs(pairs_with_p(0.01), {}), pairs_with_p(0.01), false);
  const double fisher = fisher_combination(std::vector<double>(20, 0.01)).p_value;
  EXPECT_THAT(detected, HasSubstr("memorisation detected (pooled p = " + format_number(fisher, 3) + " over 20 pairs)"));
  EXPECT_THAT(detected, HasSubstr("not differentially private"));
  EXPECT_THAT(detected, HasSubstr("at least epsilon = "));
  EXPECT_THAT(detected, HasSubstr("was not measured for this file"));
  const std::string missed = privacy_statement(group_runs(pairs_with_p(0.9), {}), pairs_with_p(0.9), false);
  EXPECT_THAT(missed, HasSubstr("Not detected with 20 pairs"));
  EXPECT_THAT(missed, HasSubstr("does not show that the pattern was not memorised"));
  EXPECT_THAT(missed, Not(HasSubstr("memorisation detected")));
}

// Property: under DP the guarantee is quoted with the largest TPR at FPR 0.01 of μ-GDP, and
// an audited bound above it is called out; Markdown gives each setting a heading.
TEST(Statement, QuotesTheGuaranteeAndFlagsABoundAboveIt) {
  ResultFile file = pairs_with_p(0.01);
  for (auto& run : file.runs) {
    run.attributes[schema::kPrivacyEpsilon] = 0.1;
    run.attributes[schema::kPrivacyMu] = 0.05;
    run.attributes[schema::kPrivacyDelta] = 1e-5;
    run.attributes[schema::kPrivacyNoiseMultiplier] = 4.0;
    run.attributes[schema::kPrivacyStepsPlanned] = std::int64_t{100};
    run.attributes[schema::kPrivacyNeighbouring] = std::string("replace");
    run.attributes[schema::kPrivacyValidity] = std::string("guarantee");
  }
  const std::string text = privacy_statement(group_runs(file, {}), file, true);
  const double tpr = 1.0 - normal_cdf(normal_isf(0.01) - 0.05);
  EXPECT_THAT(text, HasSubstr("### Setting: all runs"));
  EXPECT_THAT(text, HasSubstr("**Guarantee.**"));
  EXPECT_THAT(text, HasSubstr("guarantees epsilon <= 0.1 at delta = 1e-05, or mu = 0.05"));
  EXPECT_THAT(text, HasSubstr("true-positive rate above " + format_number(tpr, 3)));
  EXPECT_THAT(text, HasSubstr("exceeds this guarantee (p < 0.05)"));
}

}  // namespace
}  // namespace ufm
