// The scores table reads every scalar a registered scorer declares, per setting, through the
// declarations alone: a stored declared output gets a row with its count and mean interval;
// an array no scorer declares gets none.
#include "report/scores_table.h"

#include <gtest/gtest.h>

#include "report/summary_statistics.h"
#include "report_records.h"
#include "storage/schema.h"

namespace ufm {
namespace {

const std::vector<std::string>* row_of(const Table& table, const std::string& setting, const std::string& path) {
  for (const auto& row : table.rows) {
    if (row.at(0) == setting && row.at(2) == path) return &row;
  }
  return nullptr;
}

TEST(ScoresTable, EveryStoredDeclaredScalarHasARowWithItsCountAndMean) {
  ResultFile file = testing::model_sweep();
  file.runs[1].arrays["scores/not_declared_by_any_scorer"] = ArrayData::scalar(1.0);
  const GroupedRuns grouped = group_runs(file, {"model.name"}, "x.h5");
  ASSERT_TRUE(has_declared_scores(grouped));
  const Table table = scores_table(grouped);
  ASSERT_EQ(table.header.at(0), "model.name");
  // mlp canaries store M = 0.1, −0.05, 0.3 and test accuracy 0.8, 0.9, 0.7.
  const auto* m = row_of(table, "mlp", schema::kScoreM);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->at(1), "label_known");
  EXPECT_EQ(m->at(3), "3");
  EXPECT_EQ(m->at(4), interval_cell(mean_interval({0.1, -0.05, 0.3})));
  const auto* accuracy = row_of(table, "cnn", schema::kTestAccuracy);
  ASSERT_NE(accuracy, nullptr);
  EXPECT_EQ(accuracy->at(1), "test_accuracy");
  EXPECT_EQ(accuracy->at(5), cell(0.6));
  for (const auto& row : table.rows) EXPECT_NE(row.at(2), "scores/not_declared_by_any_scorer");
  // Exposure is declared but no canary of this file stores it.
  EXPECT_EQ(row_of(table, "mlp", schema::kExposure), nullptr);
}

TEST(ScoresTable, AFileWithoutScoresHasNone) {
  ResultFile file = testing::model_sweep();
  for (RunRecord& run : file.runs) run.arrays.clear();
  EXPECT_FALSE(has_declared_scores(group_runs(file, {"model.name"}, "x.h5")));
}

}  // namespace
}  // namespace ufm
