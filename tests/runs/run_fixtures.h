#pragma once
/// Small helpers the runs tests share: planning one config over a 512-image training set, and
/// running one config through the real runner and reading its result file back.
#include <cstdint>
#include <string>

#include "runs/experiment_runner.h"
#include "runs/run_plan.h"
#include "storage/result_file.h"

namespace ufm::testing {

/// The base the runs tests adjust: the synthetic dataset (512 training images) probed with
/// its own test split, no progress lines, results at `output`.
inline ExperimentConfig synthetic_config(const std::string& output) {
  ExperimentConfig config;
  config.data.name = "synthetic";
  config.ood.dataset = "synthetic";
  config.ood.split = OodSplit::kTest;
  config.execution.progress = false;
  config.output.path = output;
  return config;
}

inline ExperimentPlan plan_of(const ExperimentConfig& config) {
  return plan_experiment({SweepPoint{config, {}}}, [](const ExperimentConfig&) { return std::int64_t{512}; });
}

inline ResultFile run(const ExperimentConfig& config) {
  run_experiment({SweepPoint{config, {}}}, "test");
  return read_result_file(config.output.path);
}

}  // namespace ufm::testing
