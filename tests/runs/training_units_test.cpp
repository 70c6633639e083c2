#include "runs/training_units.h"

#include <gtest/gtest.h>

#include <set>

#include "core/error.h"
#include "runs/run_executor.h"

namespace ufm {
namespace {

ExperimentConfig base() {
  ExperimentConfig config;
  config.data.name = "synthetic";
  config.canaries.count = 4;
  return config;
}

ExperimentPlan plan_of(std::vector<SweepPoint> points) {
  return plan_experiment(std::move(points), [](const ExperimentConfig&) { return std::int64_t{512}; });
}

// Two seeds × (control + 4 canaries), plus a point with another learning rate.
ExperimentPlan three_points() {
  ExperimentConfig a = base(), b = base(), c = base();
  b.train.seed = 1;
  c.train.learning_rate = 1e-3;
  return plan_of({SweepPoint{a, {"train.seed=0"}}, SweepPoint{b, {"train.seed=1"}},
                  SweepPoint{c, {"train.learning_rate=0.001"}}});
}

TEST(TrainingUnits, OneRunPerUnitWithoutParallelModels) {
  const ExperimentPlan plan = three_points();
  const auto units = training_units(plan, 1);
  ASSERT_EQ(units.size(), plan.runs.size());
  for (std::size_t i = 0; i < units.size(); ++i) EXPECT_EQ(units[i], std::vector<std::size_t>{i});
}

TEST(TrainingUnits, GroupsRunsThatDifferOnlyInSeedAndCanary) {
  const ExperimentPlan plan = three_points();
  ASSERT_EQ(plan.runs.size(), 15u);
  const auto units = training_units(plan, 16);
  // Seeds 0 and 1 share data, model and training settings; the other learning rate does not.
  ASSERT_EQ(units.size(), 2u);
  EXPECT_EQ(units[0].size(), 10u);
  EXPECT_EQ(units[1].size(), 5u);
  for (std::size_t index : units[1]) EXPECT_EQ(plan.runs[index].config.train.learning_rate, 1e-3);
}

TEST(TrainingUnits, FillsUnitsInPlanOrderUpToTheLimitAndCoversEveryRunOnce) {
  const ExperimentPlan plan = three_points();
  const auto units = training_units(plan, 4);
  std::multiset<std::size_t> seen;
  for (const auto& unit : units) {
    EXPECT_GE(unit.size(), 1u);
    EXPECT_LE(unit.size(), 4u);
    for (std::size_t i = 1; i < unit.size(); ++i) EXPECT_LT(unit[i - 1], unit[i]);
    const std::string key = batch_compatibility_key(plan.runs[unit.front()].config);
    for (std::size_t index : unit) {
      EXPECT_EQ(batch_compatibility_key(plan.runs[index].config), key);
      seen.insert(index);
    }
  }
  ASSERT_EQ(seen.size(), plan.runs.size());
  for (std::size_t i = 0; i < plan.runs.size(); ++i) EXPECT_EQ(seen.count(i), 1u);
  // 10 compatible runs → 4 + 4 + 2, then 5 → 4 + 1.
  ASSERT_EQ(units.size(), 5u);
  EXPECT_EQ(units[0], (std::vector<std::size_t>{0, 1, 2, 3}));
}

TEST(TrainingUnits, DependOnlyOnThePlanAndTheSubset) {
  const ExperimentPlan plan = three_points();
  EXPECT_EQ(training_units(plan, 3), training_units(plan, 3));
  // A subset (the runs still missing) is grouped among itself, in the order given.
  const auto units = training_units(plan, 3, {1, 4, 6, 14});
  ASSERT_EQ(units.size(), 2u);
  EXPECT_EQ(units[0], (std::vector<std::size_t>{1, 4, 6}));
  EXPECT_EQ(units[1], (std::vector<std::size_t>{14}));
}

TEST(TrainingUnits, RejectsABadLimitOrIndex) {
  const ExperimentPlan plan = three_points();
  EXPECT_THROW(training_units(plan, 0), ConfigError);
  EXPECT_THROW(training_units(plan, 2, {99}), RuntimeError);
}

TEST(BatchCompatibilityKey, IgnoresSeedCanaryAndExecutionButNotTrainingSettings) {
  const ExperimentConfig config = run_config(base(), 3);
  ExperimentConfig other = run_config(base(), 8);
  other.train.seed = 5;
  other.canaries.batch_position = 2;
  other.execution.parallel_models = 7;
  other.execution.device = "auto";
  EXPECT_EQ(batch_compatibility_key(config), batch_compatibility_key(other));
  other.train.batch_size = 64;
  EXPECT_NE(batch_compatibility_key(config), batch_compatibility_key(other));
  ExperimentConfig augmented = config;
  augmented.augmentation.enabled = true;
  EXPECT_NE(batch_compatibility_key(config), batch_compatibility_key(augmented));
}

}  // namespace
}  // namespace ufm
