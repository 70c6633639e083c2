#include "runs/training_units.h"

#include "core/error.h"

namespace ufm {

int run_stage(const PlannedRun& run) {
  if (run.unlearns()) return run.is_control() ? 3 : 4;
  return run.is_control() ? 1 : 2;
}

int parallel_models(const ExperimentConfig& config) { return config.execution.parallel_models; }

std::vector<TrainingUnit> training_units(const ExperimentPlan& plan, int parallel_models) {
  UFM_CHECK(parallel_models >= 1, ConfigError, "execution.parallel_models: expected >= 1, got ", parallel_models);
  std::vector<TrainingUnit> units;
  for (std::size_t i = 0; i < plan.runs.size(); ++i) {
    const PlannedRun& run = plan.runs[i];
    const int stage = run_stage(run);
    bool joined = false;
    if (!units.empty()) {
      TrainingUnit& last = units.back();
      const PlannedRun& previous = plan.runs[last.runs.back()];
      // Models trained together share one dataset, so a unit never spans two points.
      // A one-run audit trains on its own stamped copy of the images, so it trains alone.
      if (last.stage == stage && previous.point == run.point && !run.config.canaries.one_run() &&
          !previous.config.canaries.one_run() && !run.unlearns() && !previous.unlearns() &&
          static_cast<int>(last.runs.size()) < parallel_models) {
        last.runs.push_back(i);
        joined = true;
      }
    }
    if (!joined) units.push_back(TrainingUnit{stage, {i}});
  }
  return units;
}

}  // namespace ufm
