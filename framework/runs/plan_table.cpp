#include "runs/plan_table.h"

#include <map>
#include <set>
#include <sstream>

#include "core/text.h"
#include "runs/experiment_runner.h"
#include "runs/training_units.h"

namespace ufm {

std::string plan_table(const std::vector<SweepPoint>& points) {
  std::ostringstream out;
  const ExperimentPlan plan = plan_from_points(points);
  const std::string output = points.front().config.output.path;
  const auto done_list = completed_runs(output);
  const std::set<std::string> done(done_list.begin(), done_list.end());
  const std::vector<TrainingUnit> units = training_units(plan, parallel_models(points.front().config));
  std::vector<std::size_t> unit_of(plan.runs.size(), 0);
  for (std::size_t u = 0; u < units.size(); ++u) {
    for (std::size_t run : units[u].runs) unit_of[run] = u;
  }
  struct Totals {
    std::size_t runs = 0, done = 0;
    std::set<std::size_t> units;
  };
  std::map<int, Totals> stages;
  out << "| identity | run | seed | stage | unit | varying | done |\n|---|---|---|---|---|---|---|\n";
  for (std::size_t i = 0; i < plan.runs.size(); ++i) {
    const PlannedRun& run = plan.runs[i];
    const bool complete = done.count(run.identity) > 0;
    Totals& stage = stages[run_stage(run)];
    ++stage.runs;
    stage.done += complete ? 1 : 0;
    stage.units.insert(unit_of[i]);
    out << "| " << run.identity << " | " << run_label(run) << " | " << run.config.train.seed << " | "
        << run_stage(run) << " | " << unit_of[i] << " | " << join(run.varying, " ") << " | "
        << (complete ? "yes" : "no") << " |\n";
  }
  out << "\n";
  std::size_t total_done = 0;
  for (const auto& [number, stage] : stages) {
    total_done += stage.done;
    out << "stage " << number << ": " << stage.runs << " runs in " << stage.units.size() << " units, " << stage.done
        << " done, " << stage.runs - stage.done << " to run\n";
  }
  out << plan.runs.size() << " runs, " << total_done << " done, " << plan.runs.size() - total_done << " to run → "
      << output << "\n";
  for (std::size_t p : plan.pending_points) {
    const ExperimentConfig& point = plan.points[p].config;
    out << "canaries " << point.canaries.select << " (k = " << point.influence.k << ")"
        << (plan.points[p].varying.empty() ? "" : " of " + join(plan.points[p].varying, " "))
        << ": chosen after stage 1 (the control's self-influence and confidence)\n";
  }
  return out.str();
}

}  // namespace ufm
