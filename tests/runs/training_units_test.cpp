#include "runs/training_units.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "runs/plan_fixtures.h"

namespace ufm {
namespace {

TEST(TrainingUnits, OneRunPerUnitWithoutBatching) {
  const ExperimentPlan plan = testing::seed_sweep_plan(2, 3);
  const std::vector<TrainingUnit> units = training_units(plan, 1);
  ASSERT_EQ(units.size(), plan.runs.size());
  for (std::size_t i = 0; i < units.size(); ++i) {
    EXPECT_EQ(units[i].runs, std::vector<std::size_t>{i});
    EXPECT_EQ(units[i].stage, run_stage(plan.runs[i]));
  }
}

TEST(TrainingUnits, BatchesConsecutiveRunsOfOnePointAndStageOnly) {
  const ExperimentPlan plan = testing::seed_sweep_plan(2, 3);  // per point: control, 3 canaries
  const std::vector<TrainingUnit> units = training_units(plan, 2);
  std::vector<std::size_t> sizes;
  std::size_t covered = 0;
  for (const auto& unit : units) {
    sizes.push_back(unit.runs.size());
    for (std::size_t run : unit.runs) {
      EXPECT_EQ(plan.runs[run].point, plan.runs[unit.runs.front()].point);
      EXPECT_EQ(run_stage(plan.runs[run]), unit.stage);
      EXPECT_EQ(run, covered++) << "units keep plan order";
    }
  }
  EXPECT_EQ(covered, plan.runs.size());
  EXPECT_EQ(sizes, (std::vector<std::size_t>{1, 2, 1, 1, 2, 1}));
  EXPECT_THROW(training_units(plan, 0), ConfigError);
}

TEST(RunStage, ControlsComeBeforeTheCanariesThatNeedThem) {
  const ExperimentPlan plan = testing::seed_sweep_plan(1, 2);
  for (const auto& run : plan.runs) EXPECT_EQ(run_stage(run), run.is_control() ? 1 : 2);
}

}  // namespace
}  // namespace ufm
