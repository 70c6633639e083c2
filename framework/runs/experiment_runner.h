#pragma once
/// Running a whole experiment: plan the runs, skip those already stored, train the rest
/// (several side by side when execution.workers > 1), write each as a crash-safe piece,
/// then rebuild the result file from the pieces.
#include <string>
#include <vector>

#include "runs/run_plan.h"

namespace ufm {

struct ExperimentOutcome {
  std::string result_path;
  std::size_t runs_planned = 0;
  std::size_t runs_trained = 0;
  std::size_t runs_already_done = 0;
};

/// Parses the YAML (with overrides and any sweep block) into sweep points.
std::vector<SweepPoint> experiment_points(const std::string& yaml_text, const std::string& source,
                                          const std::vector<std::string>& overrides);

/// The plan of an experiment, loading each point's training set only to learn its size.
ExperimentPlan plan_from_points(std::vector<SweepPoint> points);

/// Identities already complete: stored in the result file or present as a complete piece.
std::vector<std::string> completed_runs(const std::string& output_path);

/// Runs everything that is not complete yet. Never overwrites a file that is not a result
/// file of this experiment; an interrupted run leaves no partial result behind.
ExperimentOutcome run_experiment(const std::vector<SweepPoint>& points, const std::string& config_text);

}  // namespace ufm
