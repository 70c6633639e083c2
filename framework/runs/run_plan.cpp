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

ExperimentConfig pair_run_config(const ExperimentConfig& point, std::int64_t canary_index, std::int64_t pair) {
  ExperimentConfig config = run_config(point, canary_index);
  config.canaries.pairing = point.canaries.pairing;
  config.canaries.pair = pair;
  if (point.canaries.pairing == "independent" && pair >= 0) config.train.seed = point.train.seed + static_cast<std::uint64_t>(pair);
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
    const bool independent = point.canaries.pairing == "independent";
    const std::vector<std::int64_t> indices = select_canaries(point.canaries, train_size(point));
    auto add_control = [&](std::int64_t pair) {
      PlannedRun run;
      run.config = pair_run_config(point, -1, pair);
      run.identity = run_identity(run.config);
      run.point = p;
      run.varying = plan.points[p].varying;
      return add(std::move(run));
    };
    // Controls first: one shared, or one per pair (same seed as its canary).
    std::vector<std::size_t> controls;
    if (point.canaries.controls) {
      if (independent) {
        for (std::size_t k = 0; k < indices.size(); ++k) controls.push_back(add_control(static_cast<std::int64_t>(k)));
      } else {
        controls.push_back(add_control(-1));
      }
    }
    for (std::size_t k = 0; k < indices.size(); ++k) {
      const std::int64_t index = indices[k];
      const std::size_t control =
          controls.empty() ? static_cast<std::size_t>(-1) : controls[independent ? k : 0];
      PlannedRun run;
      run.config = pair_run_config(point, index, static_cast<std::int64_t>(k));
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
