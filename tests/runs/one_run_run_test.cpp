// A one-run audit through the whole run pipeline on the synthetic dataset: one training,
// the coins stored and honoured, the auditor's counts and p-value consistent with them, the
// report's one_run table, resume, and the null audit.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <numeric>

#include "core/error.h"
#include "core/statistics.h"
#include "report/report.h"
#include "run_fixtures.h"
#include "runs/experiment_runner.h"
#include "storage/result_file.h"
#include "storage/schema.h"
#include "support/temp_dir.h"

namespace ufm {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

ExperimentConfig one_run_config(const std::string& output) {
  ExperimentConfig config = testing::synthetic_config(output);
  config.canaries.mode = CanaryMode::kOneRun;
  config.canaries.pairing = Pairing::kIndependent;
  config.canaries.controls = false;
  config.canaries.count = 60;
  config.canaries.guess_stamped = 5;
  config.canaries.guess_not_stamped = 7;
  config.model.hidden = {32, 16};
  config.train.max_epochs = 2;
  config.train.batch_size = 64;
  config.train.shuffle = false;
  config.feature.pattern = "random";
  config.evaluation.candidate_probe_limit = 50;
  return config;
}

std::int64_t sum_of(const ArrayData& array) {
  const std::vector<double> values = array.as_doubles();
  return static_cast<std::int64_t>(std::accumulate(values.begin(), values.end(), 0.0));
}

// Property: the experiment is one training, neither a canary nor a control; it stamps exactly
// the canaries whose coin came up; its counts and p-value are those of its stored guesses;
// the report and the statement show them; a second run trains nothing.
TEST(OneRunAudit, OneTrainingStoresItsCoinsGuessesAndBinomialPValue) {
  TempDir dir;
  const ExperimentConfig config = one_run_config(dir.file("one_run.h5"));
  const ResultFile file = testing::run(config);
  ASSERT_EQ(file.runs.size(), 1u);
  const RunRecord& run = file.runs.front();
  EXPECT_TRUE(is_one_run_record(run));
  EXPECT_FALSE(is_canary_record(run));
  EXPECT_FALSE(is_control_record(run));
  EXPECT_EQ(run.array(schema::kOneRunStamped).element_count(), 60);
  EXPECT_EQ(run.int_attribute(schema::kOneRunStampedCount), sum_of(run.array(schema::kOneRunStamped)));
  EXPECT_GT(run.int_attribute(schema::kOneRunStampedCount), 10);
  EXPECT_EQ(run.int_attribute(schema::kOneRunGuesses), 12);
  const std::int64_t correct = run.int_attribute(schema::kOneRunCorrect);
  EXPECT_LE(correct, 12);
  EXPECT_DOUBLE_EQ(run.double_attribute(schema::kOneRunPValue), binomial_test_greater(correct, 12, 0.5).p_value);
  EXPECT_EQ(run.array(schema::kOneRunScore).element_count(), 60);
  const std::string table = report(file, ReportOptions{});
  EXPECT_THAT(table, HasSubstr("p (no memorisation)"));
  EXPECT_THAT(table, HasSubstr("| 60 | " + std::to_string(run.int_attribute(schema::kOneRunStampedCount)) + " | 12 | " +
                                   std::to_string(correct) + " |"));
  ReportOptions statement;
  statement.statement = "text";
  EXPECT_THAT(report(file, statement), HasSubstr(std::to_string(correct) + " of 12 guesses right (chance: half)"));
  const ExperimentOutcome again = run_experiment({SweepPoint{config, {}}}, "test");
  EXPECT_EQ(again.runs_trained, 0u);
}

// Property: a null audit tosses the same coins but stamps nothing, so it trains exactly the
// unstamped model: its test accuracy equals a plain control's with the same seed.
TEST(OneRunAudit, TheNullAuditStampsNothing) {
  TempDir dir;
  ExperimentConfig null_audit = one_run_config(dir.file("null.h5"));
  null_audit.canaries.null_audit = true;
  const ResultFile file = testing::run(null_audit);
  const RunRecord& run = file.runs.front();
  EXPECT_EQ(run.int_attribute(schema::kOneRunStampedCount), 0);
  EXPECT_GT(sum_of(run.array(schema::kOneRunStamped)), 10);
  ExperimentConfig plain = one_run_config(dir.file("plain.h5"));
  plain.canaries = CanaryOptions{};
  plain.canaries.count = 0;
  const ResultFile controls = testing::run(plain);
  ASSERT_EQ(controls.runs.size(), 1u);
  EXPECT_EQ(controls.runs.front().array(schema::kTestAccuracy).as_doubles(),
            run.array(schema::kTestAccuracy).as_doubles());
}

// Property: more canaries than training images is refused before anything is trained.
TEST(OneRunAudit, MoreCanariesThanImagesIsRefused) {
  TempDir dir;
  ExperimentConfig config = one_run_config(dir.file("big.h5"));
  config.canaries.count = 100000;
  EXPECT_THROW(run_experiment({SweepPoint{config, {}}}, "test"), ConfigError);
  EXPECT_FALSE(std::filesystem::exists(config.output.path));
}

}  // namespace
}  // namespace ufm
