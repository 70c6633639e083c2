// Private training through the whole run pipeline, on the synthetic dataset: each run
// stores its DP-SGD schedule and the accountant's ε beside its scores, and the models
// trained together under DP are those trained alone.
#include <gtest/gtest.h>

#include "privacy/dp_sgd_account.h"
#include "report/report.h"
#include "runs/experiment_runner.h"
#include "storage/result_file.h"
#include "storage/schema.h"
#include "run_fixtures.h"
#include "support/temp_dir.h"

namespace ufm {
namespace {

ExperimentConfig private_synthetic(const std::string& output) {
  ExperimentConfig config = testing::synthetic_config(output);
  config.canaries.count = 2;
  config.canaries.pairing = Pairing::kIndependent;
  config.model.hidden = {32};
  config.model.dropout = true;
  config.train.max_epochs = 2;
  config.train.batch_size = 50;
  config.train.early_stopping = false;
  config.privacy.enabled = true;
  config.privacy.noise_multiplier = 1.1;
  config.privacy.clip_norm = 0.7;
  return config;
}

// Property: a noise target is met: the run stores the solved σ, and its μ is at most the
// target.
TEST(PrivateRuns, CalibrateTheNoiseToAMuTarget) {
  testing::TempDir temp;
  ExperimentConfig config = private_synthetic(temp.file("mu.h5"));
  config.canaries.count = 1;
  config.canaries.pairing = Pairing::kShared;
  config.train.max_epochs = 1;
  config.privacy.target = NoiseTarget::kMu;
  config.privacy.target_mu = 2.0;
  const ResultFile file = testing::run(config);
  for (const RunRecord& run : file.runs) {
    EXPECT_EQ(run.string_attribute(schema::kPrivacyTarget), "mu");
    EXPECT_LE(run.double_attribute(schema::kPrivacyMu), 2.0);
    EXPECT_GT(run.double_attribute(schema::kPrivacyMu), 1.9);
    EXPECT_NE(run.double_attribute(schema::kPrivacyNoiseMultiplier), 1.1);  // solved, not the given σ
  }
}

// Property: every run of a private experiment stores q, σ, C, sampling, relation, δ, the
// steps planned and taken and the RDP accountant's ε for exactly that schedule (the
// full planned schedule is the guarantee), and runs trained four at a time store the
// same weights-derived scores as runs trained one at a time.
TEST(PrivateRuns, StoreTheScheduleAndItsEpsilonAndBatchAsAlone) {
  testing::TempDir temp;
  ExperimentConfig config = private_synthetic(temp.file("alone.h5"));
  const ResultFile alone = testing::run(config);
  ASSERT_FALSE(alone.runs.empty());
  for (const RunRecord& run : alone.runs) {
    const std::int64_t n = 512;  // the synthetic training set
    EXPECT_EQ(run.int_attribute(schema::kPrivacyStepsPlanned), 2 * ((n + 49) / 50));
    EXPECT_EQ(run.int_attribute(schema::kPrivacyStepsTaken), 2 * ((n + 49) / 50));
    EXPECT_EQ(run.string_attribute(schema::kPrivacySampling), "poisson");
    EXPECT_EQ(run.string_attribute(schema::kPrivacyNeighbouring), "replace");
    EXPECT_EQ(run.string_attribute(schema::kPrivacyValidity), "guarantee");
    DpSgdSchedule schedule;
    schedule.sampling_rate = run.double_attribute(schema::kPrivacySamplingRate);
    schedule.noise_multiplier = 1.1;
    schedule.steps_planned = schedule.steps_taken = run.int_attribute(schema::kPrivacyStepsPlanned);
    EXPECT_DOUBLE_EQ(schedule.sampling_rate, 50.0 / 512.0);
    EXPECT_DOUBLE_EQ(run.double_attribute(schema::kPrivacyEpsilon), account_dp_sgd(schedule).epsilon);
    EXPECT_GT(run.double_attribute(schema::kPrivacyEpsilon), run.double_attribute(schema::kPrivacyEpsilonAddRemove));
  }
  // Own-noise references: each control shares its canary's seed (initialisation) but draws
  // from stream 1 after it, so it is a run of its own.
  std::int64_t controls = 0;
  for (const RunRecord& run : alone.runs) {
    if (run.int_attribute(schema::kIsControl) == 0) continue;
    ++controls;
    EXPECT_NE(run.string_attribute(schema::kRunConfig).find("draw_stream: 1"), std::string::npos);
  }
  EXPECT_EQ(controls, 2);
  // The report shows the schedule and its guarantee in a privacy table.
  const std::string text = report(alone, ReportOptions{}, "alone.h5");
  EXPECT_NE(text.find("## privacy"), std::string::npos) << text;
  EXPECT_NE(text.find("| replace | guarantee |"), std::string::npos) << text;
  config.output.path = temp.file("together.h5");
  config.execution.parallel_models = 4;
  const ResultFile together = testing::run(config);
  ASSERT_EQ(together.runs.size(), alone.runs.size());
  for (std::size_t i = 0; i < alone.runs.size(); ++i) {
    const RunRecord* same = nullptr;
    for (const auto& other : together.runs) {
      if (other.identity == alone.runs[i].identity) same = &other;
    }
    ASSERT_NE(same, nullptr);
    EXPECT_EQ(same->array(schema::kTrainLoss).as_doubles(), alone.runs[i].array(schema::kTrainLoss).as_doubles());
    EXPECT_EQ(same->array(schema::kValLoss).as_doubles(), alone.runs[i].array(schema::kValLoss).as_doubles());
  }
}

}  // namespace
}  // namespace ufm
