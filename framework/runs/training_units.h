#pragma once
/// Units of work: the runs trained together as one batch (execution.parallel_models).
/// A unit is never split, on one machine or across cluster shards.
#include <cstddef>
#include <vector>

#include "runs/run_plan.h"

namespace ufm {

/// Groups `runs` (indices into plan.runs, in the order given) into units of at most
/// `parallel_models` runs with equal batch_compatibility_key (runs/run_executor.h): runs
/// that differ only in seed and canary. A unit starts at its first run's position and is
/// filled in order, so the result depends only on the plan and the subset, never on
/// timing. parallel_models = 1 gives one unit per run. Throws ConfigError for
/// parallel_models < 1, RuntimeError for an index outside the plan.
std::vector<std::vector<std::size_t>> training_units(const ExperimentPlan& plan, int parallel_models,
                                                     const std::vector<std::size_t>& runs);

/// The units of every run of the plan.
std::vector<std::vector<std::size_t>> training_units(const ExperimentPlan& plan, int parallel_models);

}  // namespace ufm
