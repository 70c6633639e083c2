#pragma once
/// Units of work: the runs that are trained together (execution.parallel_models of them in one
/// batch) and therefore never split across shards, with the stage they belong to.
///
/// Stages order runs that depend on other runs: stage 1 holds the runs whose outputs later
/// runs need (controls, reference models), stage 2 the rest. A shard only ever works on one
/// stage, and a Slurm submission chains one job array per stage.
#include <cstddef>
#include <vector>

#include "runs/run_plan.h"

namespace ufm {

/// The stage of a planned run: 1 for a control (also the reference model of influence-chosen
/// canaries, and a retrained reference), 2 for a canary: every canary can rely on the
/// stage-1 pieces existing; 3 for an unlearned control and 4 for an unlearned canary, which
/// start from stored trainings (and an unlearned canary from its unlearned control).
int run_stage(const PlannedRun& run);

struct TrainingUnit {
  int stage = 1;
  /// Indices into ExperimentPlan::runs, in plan order.
  std::vector<std::size_t> runs;
};

/// Runs trained in one batch: execution.parallel_models.
int parallel_models(const ExperimentConfig& config);

/// The plan's units in plan order: with `parallel_models` = 1 one run per unit; otherwise
/// consecutive runs of the same sweep point and stage, up to `parallel_models` per unit.
std::vector<TrainingUnit> training_units(const ExperimentPlan& plan, int parallel_models);

}  // namespace ufm
