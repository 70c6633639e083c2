#pragma once
/// `ufm plan`: the runs an experiment plans, as a markdown table (identity, run, seed,
/// stage, training unit, swept keys, done), then per-stage totals and the canaries still to
/// be chosen after stage 1.
#include <string>
#include <vector>

#include "runs/run_plan.h"

namespace ufm {

/// Reads which runs are complete from the points' output file and pieces.
std::string plan_table(const std::vector<SweepPoint>& points);

}  // namespace ufm
