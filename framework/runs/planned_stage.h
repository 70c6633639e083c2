#pragma once
/// Training one planned stage of an experiment: its units of work (runs/training_units.h) in
/// stage order, side by side over execution.workers, each run written as a crash-safe piece
/// as soon as it finishes. run_experiment (runs/experiment_runner.h) plans, calls this once per
/// planning stage, then merges.
#include <c10/core/Device.h>

#include <cstddef>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "runs/run_executor.h"
#include "runs/run_plan.h"
#include "runs/stored_controls.h"

namespace ufm {

/// What every run of an experiment shares while it trains.
struct PlanExecution {
  const RunEnvironment& environment;
  std::string output_path;
  std::string pieces;                                              ///< pieces_directory(output_path)
  StoredControls& stored_controls;                                 ///< controls and sources already stored
  std::map<std::string, std::shared_ptr<ExperimentData>>& data;   ///< prepared once per data key
  c10::Device device;
  int workers = 1;
  int threads = 1;
  std::int64_t parallel_models = 1;
  bool progress = true;
};

/// Trains every run of `plan` that is not in `done` (and, with `selected`, is in it: a
/// shard's runs) and returns how many it trained. `stage` is the planning stage (1, or 2 for
/// canaries chosen from their stored reference), for the log. ConfigError before anything
/// trains when a canary would be paired with a control stored with other arithmetic.
std::size_t train_planned_runs(const ExperimentPlan& plan, const std::set<std::string>& done,
                               const std::set<std::string>* selected, int stage, PlanExecution& context);

}  // namespace ufm
