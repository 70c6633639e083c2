// The one_run table: one row per training, and a pooled row per setting whose p-value is
// the exact binomial test of all its trainings' guesses.
#include "report/one_run_table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "audit/one_run_audit.h"
#include "core/statistics.h"
#include "core/text.h"
#include "report/report.h"
#include "storage/schema.h"

namespace ufm {
namespace {

RunRecord one_run(const std::string& identity, int seed, std::int64_t guesses, std::int64_t correct) {
  RunRecord run;
  run.identity = identity;
  run.attributes[schema::kOneRunAudit] = std::int64_t{1};
  run.attributes[schema::kIsControl] = std::int64_t{0};
  run.attributes[schema::kSeed] = std::int64_t{seed};
  run.attributes[schema::kVaryingKeys] = "audit_level=m_100;train.seed=" + std::to_string(seed);
  run.attributes[schema::kOneRunNull] = std::int64_t{0};
  run.attributes[schema::kOneRunStampedCount] = std::int64_t{50};
  run.attributes[schema::kOneRunGuesses] = guesses;
  run.attributes[schema::kOneRunCorrect] = correct;
  run.attributes[schema::kOneRunPValue] = binomial_test_greater(correct, guesses, 0.5).p_value;
  run.attributes[schema::kOneRunEpsilonLower] = 0.0;
  run.attributes[schema::kOneRunDelta] = 1e-5;
  run.attributes[schema::kOneRunSecondsAttribute] = 1.0;
  run.attributes[schema::kTrainSecondsAttribute] = 20.0;
  run.arrays[schema::kOneRunStamped] = ArrayData{{100}, "canary", std::vector<std::int64_t>(100, 0)};
  run.arrays[schema::kTestAccuracy] = ArrayData::scalar(0.87);
  return run;
}

// Property: two trainings of one setting (seeds 0 and 1) give two rows and a pooled row whose
// counts are their sums and whose p-values are the binomial test of the sums and Fisher's
// combination of the two.
TEST(OneRunTable, PoolsTheSeedsOfASettingByTheirSummedGuesses) {
  ResultFile file;
  file.runs = {one_run("a", 0, 20, 14), one_run("b", 1, 20, 13)};
  const Table table = one_run_table(file);
  ASSERT_EQ(table.rows.size(), 3u);
  const auto& pooled = table.rows.back();
  EXPECT_EQ(pooled[0], "audit_level=m_100");
  EXPECT_EQ(pooled[5], "40");
  EXPECT_EQ(pooled[6], "27");
  const double fisher =
      fisher_combination({binomial_test_greater(14, 20, 0.5).p_value, binomial_test_greater(13, 20, 0.5).p_value})
          .p_value;
  EXPECT_EQ(pooled[7], "binomial " + format_number(binomial_test_greater(27, 40, 0.5).p_value, 3) + ", Fisher " +
                           format_number(fisher, 3));
  EXPECT_TRUE(has_one_run_audits(file));
  EXPECT_FALSE(has_one_run_audits(ResultFile{}));
}

// Property: rows follow the seed as a number within a setting (seed 4 before seed 10).
TEST(OneRunTable, OrdersSeedsAsNumbers) {
  ResultFile file;
  file.runs = {one_run("a", 10, 20, 14), one_run("b", 4, 20, 13)};
  const Table table = one_run_table(file);
  ASSERT_EQ(table.rows.size(), 3u);
  EXPECT_EQ(table.rows[0][1], "4");
  EXPECT_EQ(table.rows[1][1], "10");
}

// Property: a run's null twin (same canaries, coins and seed, nothing stamped) gives the mean
// per-feature effect of stamping, over stamped and unstamped canaries, by hand.
TEST(OneRunTable, ComparesARunWithItsNullTwinFeatureByFeature) {
  RunRecord stamped = one_run("s", 0, 20, 14);
  RunRecord twin = one_run("t", 0, 20, 10);
  twin.attributes[schema::kOneRunNull] = std::int64_t{1};
  for (RunRecord* run : {&stamped, &twin}) {
    run->arrays[schema::kOneRunImage] = ArrayData{{4}, "canary", std::vector<std::int64_t>{5, 6, 7, 8}};
    run->arrays[schema::kOneRunStamped] = ArrayData{{4}, "canary", std::vector<std::int64_t>{1, 0, 1, 0}};
  }
  stamped.arrays[schema::kOneRunScore] = ArrayData::vector({-1.0, -2.0, -0.5, -3.0}, "canary");
  twin.arrays[schema::kOneRunScore] = ArrayData::vector({-1.5, -2.0, -1.5, -2.5}, "canary");
  ResultFile file;
  file.runs = {stamped, twin};
  const Table table = one_run_table(file);
  std::size_t stamped_column = 0, other_column = 0;
  for (std::size_t c = 0; c < table.header.size(); ++c) {
    if (table.header[c] == "effect stamped") stamped_column = c;
    if (table.header[c] == "effect not stamped") other_column = c;
  }
  ASSERT_GT(stamped_column, 0u);
  const auto& row = table.rows.front()[2] == "no" ? table.rows.front() : table.rows.at(1);
  EXPECT_EQ(row[stamped_column], format_number(0.75, 3));    // ((−1 + 1.5) + (−0.5 + 1.5))/2
  EXPECT_EQ(row[other_column], format_number(-0.25, 3));     // (0 + (−3 + 2.5))/2
}

// Property: the default report of a file of one-run audits is their table alone, though the
// file has swept keys: no empty settings or runs table beside it.
TEST(OneRunTable, IsTheWholeDefaultReportOfAOneRunFile) {
  ResultFile file;
  file.runs = {one_run("a", 0, 20, 14), one_run("b", 1, 20, 13)};
  const std::string text = report(file, ReportOptions{});
  EXPECT_NE(text.find("pooled (2 trainings)"), std::string::npos);
  EXPECT_EQ(text.find("## "), std::string::npos) << text;
  EXPECT_EQ(text.find("M − control"), std::string::npos) << text;
}

// m canaries over two labels whose raw score is a per-feature difficulty b_j (spread far
// wider than the effect) plus `effect` when coin j came up; the audit guesses 2 + 2.
RunRecord scored_one_run(const std::string& identity, int seed, bool null, double effect) {
  const std::vector<double> difficulty = {-5.0, 3.0, -1.0, 4.0, -6.0, 2.0, 0.5, -3.0};
  const std::vector<std::int64_t> coins = {1, 0, 0, 1, 1, 0, 1, 0};
  RunRecord run = one_run(identity, seed, 4, 0);
  run.attributes[schema::kOneRunNull] = std::int64_t{null ? 1 : 0};
  run.attributes[schema::kOneRunGuessStamped] = std::int64_t{2};
  run.attributes[schema::kVaryingKeys] =
      std::string(null ? "audit_level=null" : "audit_level=m_8") + ";train.seed=" + std::to_string(seed);
  std::vector<double> score;
  for (std::size_t j = 0; j < difficulty.size(); ++j) score.push_back(difficulty[j] + (null ? 0.0 : effect * coins[j]));
  run.arrays[schema::kOneRunScore] = ArrayData::vector(score, "canary");
  run.arrays[schema::kOneRunImage] = ArrayData{{8}, "canary", std::vector<std::int64_t>{1, 2, 3, 4, 5, 6, 7, 8}};
  run.arrays[schema::kOneRunLabel] = ArrayData{{8}, "canary", std::vector<std::int64_t>{0, 0, 0, 0, 1, 1, 1, 1}};
  run.arrays[schema::kOneRunStamped] = ArrayData{{8}, "canary", coins};
  // As the run stage stores it beside the raw scores (runs/one_run_audit.cpp).
  run.arrays[schema::kOneRunStandardised] =
      ArrayData::vector(standardise_per_label(score, {0, 0, 0, 0, 1, 1, 1, 1}), "canary");
  return run;
}

// Property: each audit takes as reference a null audit of the same canaries with another
// seed (never its own seed's null twin, never a run with other canaries), each seed its own;
// subtracting the reference cancels the features' difficulty, so an effect far smaller than
// that spread gives every guess right: p = P(Bin(4, ½) ≥ 4) = 1/16 per training, and the
// pooled row sums two independent audits (binomial 2^-8 = 0.0039).
TEST(OneRunTable, AnIndependentNullReferenceCancelsEachFeaturesDifficulty) {
  ResultFile file;
  file.runs = {scored_one_run("a0", 0, false, 0.5), scored_one_run("a1", 1, false, 0.5),
               scored_one_run("n0", 0, true, 0.0), scored_one_run("n1", 1, true, 0.0)};
  RunRecord other_canaries = scored_one_run("x", 2, true, 0.0);
  other_canaries.arrays[schema::kOneRunImage] =
      ArrayData{{8}, "canary", std::vector<std::int64_t>{9, 2, 3, 4, 5, 6, 7, 8}};
  file.runs.push_back(other_canaries);
  std::vector<const RunRecord*> runs;
  for (const auto& run : file.runs) runs.push_back(&run);
  EXPECT_EQ(independent_reference(file.runs[0], runs), &file.runs[3]) << "seed 0 takes seed 1's null";
  EXPECT_EQ(independent_reference(file.runs[1], runs), &file.runs[2]) << "seed 1 wraps to seed 0's null";
  EXPECT_EQ(independent_reference(file.runs[4], runs), nullptr) << "no null of the same canaries";

  const Table table = one_run_reference_table(file);
  EXPECT_TRUE(has_one_run_references(file));
  EXPECT_FALSE(has_one_run_references(ResultFile{{}, {file.runs[0], file.runs[4]}}));
  ASSERT_GE(table.rows.size(), 3u);
  EXPECT_EQ(table.rows[0][0], "audit_level=m_8;train.seed=0");
  EXPECT_EQ(table.rows[0][2], "1");
  EXPECT_EQ(table.rows[0][5], "4");
  EXPECT_EQ(table.rows[0][6], "4");
  EXPECT_EQ(table.rows[0][7], "0.0625");
  EXPECT_EQ(table.rows[2][10], "1") << "two nulls with the same difficulties correlate perfectly";
  ASSERT_EQ(table.rows.size(), 6u) << "four trainings, a pooled row and a refused one";
  EXPECT_EQ(table.rows[4][0], "audit_level=m_8");
  EXPECT_EQ(table.rows[4][1], "pooled (4 trainings)");
  EXPECT_EQ(table.rows[4][6], "8");
  EXPECT_EQ(table.rows[4][7].substr(0, 16), "binomial 0.00391") << table.rows[4][7];
  // The nulls reference each other: not independent, so not pooled.
  bool refused = false;
  for (const auto& row : table.rows) refused = refused || (row[0] == "audit_level=null" && row[1] == "not pooled");
  EXPECT_TRUE(refused);
  // Without the reference the difficulty decides: the stamped set is not the top scores.
  const std::vector<double> raw = file.runs[0].array(schema::kOneRunScore).as_doubles();
  EXPECT_LT(raw[0], raw[1]) << "stamped canary 0 scores below unstamped canary 1 before the reference";
}

}  // namespace
}  // namespace ufm
