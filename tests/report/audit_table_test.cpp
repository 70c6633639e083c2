// The audit table: canaries are members, their independent controls non-members; the
// bound, its design limit and the comparison with the accountant's guarantee.
#include "report/audit_table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "audit/membership_bound.h"
#include "core/error.h"
#include "core/text.h"
#include "report/report.h"
#include "report_records.h"

namespace ufm {
namespace {

using testing::audit_pairs;

std::string at(const Table& table, const std::string& column) {
  for (std::size_t c = 0; c < table.header.size(); ++c) {
    if (table.header[c] == column) return table.rows.at(0).at(c);
  }
  ADD_FAILURE() << "no column " << column;
  return "";
}

// Property: when every canary's exposure is above every control's, the counted half is all
// right and the bound is the design limit of 10 + 10 guesses, by the library's arithmetic.
TEST(AuditTable, SeparatedScoresReachTheDesignLimit) {
  const ResultFile file = audit_pairs(std::vector<double>(20, 9.0), std::vector<double>(20, 1.0));
  const Table table = audit_table(group_runs(file, {}));
  ASSERT_EQ(table.rows.size(), 1u);
  const MembershipBound limit = perfect_membership_bound(10, 10, 1e-5);
  EXPECT_EQ(at(table, "pairs"), "20");
  EXPECT_EQ(at(table, "choose / count"), "10+10 / 10+10");
  EXPECT_EQ(at(table, "epsilon lower (delta)"), format_number(limit.epsilon_lower) + " (1e-05)");
  EXPECT_EQ(at(table, "design limit eps / mu"),
            format_number(limit.epsilon_lower) + " / " + format_number(limit.mu_lower));
  EXPECT_EQ(at(table, "guarantee eps / mu"), "not private");
  EXPECT_EQ(at(table, "check"), "no guarantee");
  EXPECT_GT(limit.epsilon_lower, 0.5);
}

// Property: a bound above the accountant's guarantee is reported as such, never silently;
// one below it reads "within the guarantee".
TEST(AuditTable, ABoundAboveTheGuaranteeIsFlagged) {
  for (const double guarantee : {0.1, 5.0}) {
    ResultFile file = audit_pairs(std::vector<double>(20, 9.0), std::vector<double>(20, 1.0));
    for (auto& run : file.runs) {
      run.attributes[schema::kPrivacyEpsilon] = guarantee;
      run.attributes[schema::kPrivacyMu] = guarantee;
      run.attributes[schema::kPrivacyDelta] = 1e-5;
      run.attributes[schema::kPrivacyNeighbouring] = std::string("replace");
      run.attributes[schema::kPrivacyValidity] = std::string("guarantee");
    }
    const Table table = audit_table(group_runs(file, {}));
    if (guarantee < 1.0) {
      EXPECT_THAT(at(table, "check"), ::testing::HasSubstr("lower bound exceeds the guarantee (p < 0.05)"));
    } else {
      EXPECT_EQ(at(table, "check"), "within the guarantee");
    }
  }
}

// Property: scores that do not tell members apart give no bound, and the M score audits
// files without the stored control exposure.
TEST(AuditTable, IndistinguishableScoresBoundNothing) {
  std::vector<double> scores;
  for (int k = 0; k < 20; ++k) scores.push_back(static_cast<double>(k % 5));
  const Table exposure = audit_table(group_runs(audit_pairs(scores, scores), {}));
  EXPECT_EQ(at(exposure, "epsilon lower (delta)"), "0 (1e-05)");
  const Table m = audit_table(group_runs(audit_pairs(scores, scores), {}), kAuditScoreM);
  EXPECT_EQ(at(m, "score"), "M (each model alone)");
}

// Property: the audit is in the default report only for files that store the control's
// exposure with independent pairs; asked for with shared pairs or an unknown score, it is
// refused with one line naming the key.
TEST(AuditTable, DefaultOnlyWhenPossibleAndRefusedOtherwise) {
  EXPECT_THAT(report(audit_pairs({9, 9, 9, 9}, {1, 1, 1, 1}), ReportOptions{}), ::testing::HasSubstr("## audit"));
  EXPECT_THAT(report(testing::model_sweep(), ReportOptions{}), ::testing::Not(::testing::HasSubstr("## audit")));
  ReportOptions asked;
  asked.tables = {"audit"};
  EXPECT_THROW(
      {
        try {
          report(audit_pairs({9, 9, 9, 9}, {1, 1, 1, 1}, "shared"), asked);
        } catch (const ConfigError& e) {
          EXPECT_THAT(e.what(), ::testing::HasSubstr("canaries.pairing"));
          throw;
        }
      },
      ConfigError);
  asked.audit_score = "loss";
  EXPECT_THROW(report(audit_pairs({9, 9, 9, 9}, {1, 1, 1, 1}), asked), ConfigError);
}

}  // namespace
}  // namespace ufm
