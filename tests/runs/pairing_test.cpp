// Pairs must really be paired (issue "Honest by default", item 4): the control of a
// random-feature canary is scored with the canary's feature, a batch-position canary gets a
// control with the same moved order, a pair runs the same arithmetic, and repeated canary
// indices are recorded. Synthetic data, the real planner and training loop.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>

#include "core/error.h"
#include "runs/experiment_runner.h"
#include "runs/run_executor.h"
#include "storage/result_file.h"
#include "storage/schema.h"
#include "run_fixtures.h"
#include "support/temp_dir.h"

namespace ufm {
namespace {

using ::testing::HasSubstr;

using testing::plan_of;
using testing::run;

ExperimentConfig tiny(const std::string& output) {
  ExperimentConfig config;
  config.data.name = "synthetic";
  config.ood.dataset = "synthetic";
  config.ood.split = OodSplit::kTest;
  config.canaries.select = CanarySelect::kList;
  config.canaries.indices = {3, 40};
  config.model.hidden = {16};
  config.train.max_epochs = 1;
  config.train.batch_size = 64;
  config.train.shuffle = false;
  config.execution.progress = false;
  config.output.path = output;
  return config;
}

TEST(Pairing, ARandomFeatureCanaryUnderSharedPairingStoresItsControlScoredWithItsOwnFeature) {
  testing::TempDir temp;
  ExperimentConfig config = tiny(temp.file("random.h5"));
  config.feature.pattern = "random";
  const ResultFile file = run(config);
  std::map<std::string, const RunRecord*> by_identity;
  for (const auto& run : file.runs) by_identity[run.identity] = &run;
  int canaries = 0;
  for (const auto& run : file.runs) {
    if (run.int_attribute(schema::kIsControl)) {
      // The control keeps its weights so each canary can re-score it.
      bool weights = false;
      for (const auto& item : run.arrays) weights = weights || item.first.rfind(schema::kWeightsGroup, 0) == 0;
      EXPECT_TRUE(weights);
      continue;
    }
    ++canaries;
    EXPECT_TRUE(run.has_array(schema::kScoreMControl)) << run.identity;
  }
  EXPECT_EQ(canaries, 2);
  // The second canary (pair 1) is probed with another feature than the control's own.
  bool differs = false;
  for (const auto& run : file.runs) {
    if (run.int_attribute(schema::kIsControl) || run.int_attribute(schema::kPairKey) == 0) continue;
    const RunRecord& control = *by_identity.at(run.string_attribute(schema::kControlIdentity));
    differs = run.string_attribute("feature_pattern") != control.string_attribute("feature_pattern");
    const auto m = control.array(schema::kScoreM).as_doubles();
    const double own = m.at(static_cast<std::size_t>(run.int_attribute(schema::kCanaryLabel)));
    EXPECT_NE(run.array(schema::kScoreMControl).as_doubles().at(0), own);
  }
  EXPECT_TRUE(differs);
}

TEST(Pairing, ALetterFeatureKeepsTheControlsOwnScoresAndStoresNoControlWeights) {
  const ExperimentPlan plan = plan_of(tiny("unused.h5"));
  for (const PlannedRun& run : plan.runs) {
    EXPECT_FALSE(needs_control_record(run));
    EXPECT_FALSE(stores_control_weights(run));
  }
}

TEST(Pairing, EachBatchPositionCanaryGetsAControlThatMovesTheSameImage) {
  ExperimentConfig config = tiny("unused.h5");
  config.canaries.batch_position = 2;
  const ExperimentPlan plan = plan_of(config);
  ASSERT_EQ(plan.runs.size(), 4u);  // two moved controls, two canaries
  std::map<std::string, const PlannedRun*> by_identity;
  for (const PlannedRun& run : plan.runs) by_identity[run.identity] = &run;
  for (const PlannedRun& run : plan.runs) {
    if (run.is_control()) continue;
    const PlannedRun& control = *by_identity.at(run.control_identity);
    EXPECT_EQ(control.config.canaries.control_moves, run.canary_index);
    EXPECT_EQ(control.config.canaries.batch_position, 2);
    EXPECT_EQ(control.config.train.seed, run.config.train.seed);
  }
  // Without a batch position, one control serves both and its identity is unchanged by the
  // new planning-only key (it enters the scientific form only when set).
  const ExperimentPlan plain = plan_of(tiny("unused.h5"));
  ASSERT_EQ(plain.runs.size(), 3u);
  EXPECT_EQ(scientific_yaml(plain.runs.front().config).find("control_moves"), std::string::npos);
  ExperimentConfig moved = plain.runs.front().config;
  moved.canaries.control_moves = 3;
  EXPECT_NE(run_identity(moved), plain.runs.front().identity);
}

TEST(Pairing, AMovedControlTrainsInItsCanarysBatchOrder) {
  testing::TempDir temp;
  ExperimentConfig config = tiny(temp.file("moved.h5"));
  config.canaries.indices = {40};
  config.canaries.batch_position = 0;
  const ResultFile file = run(config);
  ASSERT_EQ(file.runs.size(), 2u);
  for (const auto& run : file.runs) {
    EXPECT_EQ(run.int_attribute("canary_training_position"), 0) << run.identity;
    if (run.int_attribute(schema::kIsControl)) {
      EXPECT_EQ(run.int_attribute(schema::kControlMoves), 40);
    }
  }
}

TEST(Pairing, RepeatedCanaryIndicesAreRecordedAsDuplicates) {
  testing::TempDir temp;
  ExperimentConfig config = tiny(temp.file("dup.h5"));
  config.canaries.indices = {7, 7};
  const ExperimentPlan plan = plan_of(config);
  ASSERT_EQ(plan.runs.size(), 3u);
  EXPECT_TRUE(plan.runs[1].duplicate_of.empty());
  EXPECT_EQ(plan.runs[2].duplicate_of, plan.runs[1].identity);
  const ResultFile file = run(config);
  int recorded = 0;
  for (const auto& run : file.runs) recorded += run.has_attribute(schema::kDuplicateOf) ? 1 : 0;
  EXPECT_EQ(recorded, 1);
}

TEST(Pairing, ACanaryIsNotPairedWithAControlStoredWithAnotherThreadCount) {
  testing::TempDir temp;
  ExperimentConfig config = tiny(temp.file("threads.h5"));
  config.canaries.indices = {3};
  config.execution.threads = 1;
  run(config);
  const auto before = std::filesystem::file_size(config.output.path);
  // A second canary added on resume, with two threads: its control was stored with one.
  config.canaries.indices = {3, 40};
  config.execution.threads = 2;
  try {
    run_experiment({SweepPoint{config, {}}}, "test");
    FAIL() << "paired a canary with a control trained with another thread count";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr("1 threads (the canary: 2)"));
    EXPECT_THAT(error.what(), HasSubstr("canaries.controls"));
  }
  EXPECT_EQ(std::filesystem::file_size(config.output.path), before);  // nothing overwritten
  const ResultFile file = read_result_file(config.output.path);
  EXPECT_EQ(file.runs.size(), 2u);
}

}  // namespace
}  // namespace ufm
