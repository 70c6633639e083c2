#pragma once
// Small plans for the shard, unit and merge tests: synthetic data, a swept seed.
#include <string>
#include <vector>

#include "runs/run_plan.h"

namespace ufm::testing {

// `seeds` points (train.seed swept), each with one control and `canaries` canaries.
inline ExperimentPlan seed_sweep_plan(int seeds, int canaries) {
  std::vector<SweepPoint> points;
  for (int seed = 0; seed < seeds; ++seed) {
    ExperimentConfig config;
    config.data.name = "synthetic";
    config.canaries.count = canaries;
    config.train.seed = seed;
    points.push_back(SweepPoint{config, {"train.seed=" + std::to_string(seed)}});
  }
  return plan_experiment(std::move(points), [](const ExperimentConfig&) { return std::int64_t{512}; });
}

}  // namespace ufm::testing
