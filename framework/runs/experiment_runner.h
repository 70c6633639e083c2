#pragma once
/// Running a whole experiment: plan the runs, skip those already stored, train the rest
/// (several side by side when execution.workers > 1), write each as a crash-safe piece,
/// then rebuild the result file from the pieces.
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "runs/run_plan.h"
#include "runs/study.h"
#include "storage/run_record.h"

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

/// Replaces train.precision=auto in each point by what runtime/precision.h's
/// automatic_precision picks for its device, this CPU and its DP setting, marks the point
/// (SweepPoint::automatic_precision) and logs each distinct choice with why. experiment_points
/// calls it, so identities, plans and pieces hold fp32 or bf16, never auto.
void resolve_automatic_precision(std::vector<SweepPoint>& points);

/// When every point asked for auto and all picked the same: {"train.precision=<picked>"},
/// the override a study records so that `ufm merge` and `ufm status` on another machine
/// rebuild the same identities; else {}.
std::vector<std::string> automatic_precision_overrides(const std::vector<SweepPoint>& points);

/// The plan of an experiment, loading each point's training set only to learn its size.
ExperimentPlan plan_from_points(std::vector<SweepPoint> points);

/// Identities already complete: stored in the result file or present as a complete piece.
std::vector<std::string> completed_runs(const std::string& output_path);

/// What run_experiment trains and whether it merges (defaults: everything, then merge).
struct RunOptions {
  /// The identities this process may train (e.g. one shard's); those already done are skipped
  /// anyway. Every planned run when not set.
  std::function<std::vector<std::string>(const ExperimentPlan&, const std::set<std::string>& done)> select;
  /// Rebuild the result file from the pieces at the end. A shard writes pieces only and
  /// leaves the merge to `ufm merge`, so that concurrent shards never race on the file.
  bool merge = true;
  /// Recorded in the pieces directory once the output is known to belong to this experiment
  /// (for `ufm merge` and `ufm status`).
  std::optional<StudyDescription> study;
};

/// Runs everything that is not complete yet. Never overwrites a file that is not a result
/// file of this experiment; an interrupted run leaves no partial result behind.
ExperimentOutcome run_experiment(const std::vector<SweepPoint>& points, const std::string& config_text,
                                 const RunOptions& options = {});

/// Throws ConfigError when `result_path` exists and holds another experiment than `points`
/// (StorageError when it is not a result file at all).
void check_result_file_matches(const std::string& result_path, const std::vector<SweepPoint>& points);

/// The root attributes of the experiment's result file: resolved config of the first point,
/// the config text, the experiment identity (which a later `ufm run` checks) and versions.
std::map<std::string, AttributeValue> experiment_root_attributes(const std::vector<SweepPoint>& points,
                                                                 const std::string& config_text);

}  // namespace ufm
