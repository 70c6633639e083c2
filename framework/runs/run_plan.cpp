#include "runs/run_plan.h"

#include <algorithm>
#include <map>

#include "core/text.h"
#include "features/canary_selection.h"

namespace ufm {

ExperimentConfig run_config(const ExperimentConfig& point, std::int64_t canary_index) {
  ExperimentConfig config = point;
  config.canaries = CanaryOptions{};
  config.canaries.select = "list";
  config.canaries.count = 0;
  config.canaries.seed = 0;
  config.canaries.controls = false;
  config.canaries.indices.clear();
  // The batch position moves the canary; a control has none to move, so one control
  // serves every position.
  if (canary_index >= 0) {
    config.canaries.indices.push_back(canary_index);
    config.canaries.batch_position = point.canaries.batch_position;
  }
  return config;
}

std::string run_identity(const ExperimentConfig& config) { return fnv1a_hex(scientific_yaml(config)); }

ExperimentPlan plan_experiment(std::vector<SweepPoint> points,
                               const std::function<std::int64_t(const ExperimentConfig&)>& train_size) {
  ExperimentPlan plan;
  plan.points = std::move(points);
  std::map<std::string, std::size_t> position;  // identity → index in plan.runs
  auto add = [&](PlannedRun run) -> std::size_t {
    auto found = position.find(run.identity);
    if (found != position.end()) return found->second;
    position[run.identity] = plan.runs.size();
    plan.runs.push_back(std::move(run));
    return plan.runs.size() - 1;
  };
  for (std::size_t p = 0; p < plan.points.size(); ++p) {
    const ExperimentConfig& point = plan.points[p].config;
    std::size_t control = static_cast<std::size_t>(-1);
    if (point.canaries.controls) {
      PlannedRun run;
      run.config = run_config(point, -1);
      run.identity = run_identity(run.config);
      run.point = p;
      run.varying = plan.points[p].varying;
      control = add(std::move(run));
    }
    for (std::int64_t index : select_canaries(point.canaries, train_size(point))) {
      PlannedRun run;
      run.config = run_config(point, index);
      run.identity = run_identity(run.config);
      run.canary_index = index;
      run.point = p;
      run.varying = plan.points[p].varying;
      const std::size_t at = add(std::move(run));
      if (control != static_cast<std::size_t>(-1)) {
        plan.runs[at].control_identity = plan.runs[control].identity;
        auto& serves = plan.runs[control].serves;
        if (std::find(serves.begin(), serves.end(), plan.runs[at].identity) == serves.end()) {
          serves.push_back(plan.runs[at].identity);
        }
      }
    }
  }
  return plan;
}

}  // namespace ufm
