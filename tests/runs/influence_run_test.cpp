// Influence-chosen canaries: planning in two stages, and a small end-to-end run on
// synthetic data whose stored influence arrays are read back.
#include <gtest/gtest.h>

#include <algorithm>

#include <filesystem>

#include "core/logging.h"
#include "influence/selection.h"
#include "runs/experiment_runner.h"
#include "runs/run_plan.h"
#include "storage/result_file.h"
#include "storage/schema.h"
#include "support/temp_dir.h"

namespace ufm {
namespace {

ExperimentConfig influence_point(const std::string& select, std::int64_t k) {
  ExperimentConfig config;
  config.data.name = "synthetic";
  const std::vector<std::string>& names = option_names(CanarySelect{});
  config.canaries.select = static_cast<CanarySelect>(std::find(names.begin(), names.end(), select) - names.begin());
  config.influence.k = k;
  return config;
}

std::int64_t size_512(const ExperimentConfig&) { return 512; }

// Self-influence 0, 1, ..., 9 reversed in places; confidence rising with the index.
ReferenceInfluence hand_made_reference() {
  ReferenceInfluence reference;
  reference.self_influence = {5.0, 9.0, 1.0, 7.0, 3.0, 0.5, 8.0, 2.0, 6.0, 4.0};
  for (int i = 0; i < 10; ++i) reference.confidence.push_back(0.1 + 0.05 * i);
  return reference;
}

TEST(InfluencePlan, OnlyTheReferenceControlIsPlannedBeforeItIsTrained) {
  const ExperimentPlan plan = plan_experiment({SweepPoint{influence_point("most_influential", 3), {}}}, size_512);
  ASSERT_EQ(plan.runs.size(), 1u);
  EXPECT_TRUE(plan.runs[0].is_control());
  EXPECT_EQ(plan.runs[0].stage, 1);
  EXPECT_TRUE(plan.runs[0].compute_influence);
  EXPECT_EQ(plan.pending_points, (std::vector<std::size_t>{0}));
}

TEST(InfluencePlan, CanariesAreChosenFromTheReferenceWithTheirGroupAndRank) {
  const ReferenceLookup lookup = [](const PlannedRun&) { return std::optional<ReferenceInfluence>(hand_made_reference()); };
  struct Case {
    std::string select;
    std::vector<std::int64_t> indices;
  };
  for (const Case& c : {Case{"most_influential", {1, 6, 3}}, Case{"least_influential", {5, 2, 7}},
                        Case{"hardest", {0, 1, 2}}, Case{"easiest", {9, 8, 7}}}) {
    SCOPED_TRACE(c.select);
    const ExperimentPlan plan = plan_experiment({SweepPoint{influence_point(c.select, 3), {}}}, size_512, lookup);
    EXPECT_TRUE(plan.pending_points.empty());
    ASSERT_EQ(plan.runs.size(), 4u);
    EXPECT_EQ(plan.runs[0].serves.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
      const PlannedRun& run = plan.runs[i + 1];
      EXPECT_EQ(run.canary_index, c.indices[i]);
      EXPECT_EQ(run.stage, 2);
      EXPECT_EQ(run.selection_group, c.select);
      EXPECT_EQ(run.rank_before, rank_of(hand_made_reference().self_influence, run.canary_index));
      EXPECT_EQ(run.control_identity, plan.runs[0].identity);
    }
  }
  // The most influential image has rank 1 before stamping.
  const ExperimentPlan most =
      plan_experiment({SweepPoint{influence_point("most_influential", 1), {}}}, size_512, lookup);
  EXPECT_EQ(most.runs[1].rank_before, 1);
}

TEST(InfluencePlan, ASharedControlServesAsReferenceAndKDoesNotChangeIdentities) {
  // A sweep over the selection: random and most_influential share one control, which must
  // compute influence for the second point.
  ExperimentConfig random = influence_point("random", 3);
  random.canaries.count = 2;
  const ExperimentPlan plan =
      plan_experiment({SweepPoint{random, {}}, SweepPoint{influence_point("most_influential", 3), {}}}, size_512);
  EXPECT_TRUE(plan.runs[0].compute_influence);
  EXPECT_EQ(plan.runs[0].stage, 1);
  EXPECT_EQ(run_identity(run_config(influence_point("most_influential", 3), 7)),
            run_identity(run_config(influence_point("most_influential", 10), 7)));
  ExperimentConfig other_rule = influence_point("most_influential", 3);
  other_rule.influence.checkpoints = CheckpointRule::kAll;
  EXPECT_NE(run_identity(run_config(other_rule, -1)), run_identity(run_config(influence_point("hardest", 3), -1)));
}

TEST(InfluenceRun, StoresArraysChoosesTheMostInfluentialAndRanksThemAfterStamping) {
  set_log_level(LogLevel::kQuiet);
  testing::TempDir temp;
  const std::string output = temp.file("influence.h5");
  const std::vector<std::string> overrides = {
      "data.name=synthetic",          "data.path=",
      "ood.dataset=synthetic",        "ood.path=",
      "canaries.select=most_influential", "influence.k=2",
      "influence.rank_after=true",    "influence.batch_size=100",
      "train.max_epochs=3",           "train.batch_size=64",
      "execution.progress=false",     "output.path=" + output};
  const auto points = experiment_points("", "test.yaml", overrides);
  const ExperimentOutcome outcome = run_experiment(points, "");
  EXPECT_EQ(outcome.runs_trained, 3u);

  const ResultFile file = read_result_file(output);
  ASSERT_EQ(file.runs.size(), 3u);
  const RunRecord* control = nullptr;
  for (const auto& run : file.runs) {
    if (run.int_attribute(schema::kIsControl)) control = &run;
  }
  ASSERT_NE(control, nullptr);
  const ArrayData& influence = control->array(schema::kSelfInfluence);
  EXPECT_EQ(influence.shape, (std::vector<std::int64_t>{512}));
  EXPECT_EQ(influence.axes, "example");
  EXPECT_EQ(control->array(schema::kConfidence).shape, (std::vector<std::int64_t>{512}));
  // Fewer than 10 epochs: the auto rule takes all three.
  EXPECT_EQ(control->array(schema::kCheckpointEpochs).as_doubles(), (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(control->array(schema::kCheckpointEpochs).axes, "checkpoint");
  const std::vector<double> scores = influence.as_doubles();
  for (double s : scores) EXPECT_GT(s, 0.0);
  for (double c : control->array(schema::kConfidence).as_doubles()) {
    EXPECT_GE(c, 0.1 - 1e-12);
    EXPECT_LE(c, 1.0 + 1e-12);
  }

  const std::vector<std::int64_t> expected = select_by_influence(scores, 2, true);
  std::vector<std::int64_t> canaries;
  for (const auto& run : file.runs) {
    if (run.int_attribute(schema::kIsControl)) continue;
    SCOPED_TRACE(run.identity);
    canaries.push_back(run.int_attribute(schema::kCanaryIndex));
    EXPECT_EQ(run.string_attribute(schema::kSelectionGroup), "most_influential");
    const std::int64_t before = run.int_attribute(schema::kSelfInfluenceRankBefore);
    EXPECT_EQ(before, rank_of(scores, canaries.back()));
    EXPECT_LE(before, 2);
    const std::int64_t after = run.int_attribute(schema::kSelfInfluenceRankAfter);
    EXPECT_GE(after, 1);
    EXPECT_LE(after, 512);
    EXPECT_EQ(after, rank_of(run.array(schema::kSelfInfluence).as_doubles(), canaries.back()));
  }
  std::sort(canaries.begin(), canaries.end());
  std::vector<std::int64_t> sorted_expected = expected;
  std::sort(sorted_expected.begin(), sorted_expected.end());
  EXPECT_EQ(canaries, sorted_expected);

  // A second run finds the reference stored and trains nothing.
  const ExperimentOutcome again = run_experiment(points, "");
  EXPECT_EQ(again.runs_trained, 0u);
  EXPECT_EQ(again.runs_planned, 3u);
}

}  // namespace
}  // namespace ufm
