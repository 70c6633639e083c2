#include "runs/run_plan.h"

#include <gtest/gtest.h>

#include <set>

namespace ufm {
namespace {

ExperimentConfig base() {
  ExperimentConfig config;
  config.data.name = "synthetic";
  config.canaries.count = 3;
  return config;
}

ExperimentPlan plan_of(std::vector<SweepPoint> points) {
  return plan_experiment(std::move(points), [](const ExperimentConfig&) { return std::int64_t{512}; });
}

TEST(PlanExperiment, OneControlServesEveryCanaryOfASeed) {
  const ExperimentPlan plan = plan_of({SweepPoint{base(), {}}});
  ASSERT_EQ(plan.runs.size(), 4u);
  const PlannedRun& control = plan.runs.front();
  EXPECT_TRUE(control.is_control());
  EXPECT_EQ(control.serves.size(), 3u);
  for (std::size_t i = 1; i < plan.runs.size(); ++i) {
    EXPECT_FALSE(plan.runs[i].is_control());
    EXPECT_EQ(plan.runs[i].control_identity, control.identity);
  }
}

TEST(PlanExperiment, EachTrainingSeedGetsItsOwnControl) {
  ExperimentConfig a = base(), b = base();
  b.train.seed = 1;
  const ExperimentPlan plan = plan_of({SweepPoint{a, {"train.seed=0"}}, SweepPoint{b, {"train.seed=1"}}});
  ASSERT_EQ(plan.runs.size(), 8u);
  std::set<std::string> identities;
  for (const auto& run : plan.runs) identities.insert(run.identity);
  EXPECT_EQ(identities.size(), 8u);
  EXPECT_NE(plan.runs[0].identity, plan.runs[4].identity);
}

TEST(RunIdentity, IgnoresExecutionOutputNameAndHowTheCanaryWasChosen) {
  ExperimentConfig config = base();
  const std::string identity = run_identity(run_config(config, 42));
  ExperimentConfig other = config;
  other.name = "renamed";
  other.output.path = "elsewhere.h5";
  other.execution.threads = 1;
  other.execution.workers = 2;
  other.canaries.count = 50;
  other.canaries.seed = 7;
  EXPECT_EQ(run_identity(run_config(other, 42)), identity);
  EXPECT_NE(run_identity(run_config(config, 43)), identity);
  other.train.seed = 3;
  EXPECT_NE(run_identity(run_config(other, 42)), identity);
}

TEST(RunIdentity, ControlIsTheSameForEveryBatchPosition) {
  ExperimentConfig a = base(), b = base();
  a.canaries.batch_position = 0;
  b.canaries.batch_position = 10;
  EXPECT_EQ(run_identity(run_config(a, -1)), run_identity(run_config(b, -1)));
  EXPECT_NE(run_identity(run_config(a, 5)), run_identity(run_config(b, 5)));
}

TEST(PlanExperiment, SharedRunsAppearOnce) {
  // Two points that differ only in how many canaries are drawn share the control and
  // the first canaries.
  ExperimentConfig a = base(), b = base();
  b.canaries.count = 5;
  const ExperimentPlan plan = plan_of({SweepPoint{a, {}}, SweepPoint{b, {}}});
  EXPECT_EQ(plan.runs.size(), 6u);
  EXPECT_EQ(plan.runs.front().serves.size(), 5u);
}

}  // namespace
}  // namespace ufm
