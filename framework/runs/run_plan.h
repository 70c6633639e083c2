#pragma once
/// From an experiment (possibly a sweep of several points) to the list of model
/// trainings it needs: one per canary index, plus one control per distinct training
/// configuration. Each run has an identity: a hash of its canonical scientific config,
/// so the same training is recognised whatever sweep or order produced it.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "config/experiment_config.h"

namespace ufm {

/// One point of a sweep and the "key=value" settings that distinguish it.
struct SweepPoint {
  ExperimentConfig config;
  std::vector<std::string> varying;
};

struct PlannedRun {
  std::string identity;
  /// The run's own resolved config: the point's config with the `canaries` block reduced
  /// to this run's single index (or none for a control).
  ExperimentConfig config;
  std::int64_t canary_index = -1;
  /// Index into the plan's points (for shared data loading).
  std::size_t point = 0;
  std::vector<std::string> varying;
  std::string control_identity;      ///< on a canary: its control ("" when controls are off)
  std::vector<std::string> serves;   ///< on a control: the canaries it serves
  bool is_control() const { return canary_index < 0; }
};

struct ExperimentPlan {
  std::vector<SweepPoint> points;
  std::vector<PlannedRun> runs;  ///< controls first within each point, then canaries in selection order
};

/// The config of one run: `canaries` reduced to {select: list, indices: [canary_index]}
/// (empty for a control), so that how the index was chosen does not enter the identity.
ExperimentConfig run_config(const ExperimentConfig& point, std::int64_t canary_index);

/// run_config for pair key `pair` (the canary's position k in the selection; −1 for the
/// shared control): canaries.pairing and canaries.pair are kept in the run's config (they key
/// its streams), and under independent pairing train.seed becomes point.train.seed + pair
/// for the canary and its own control alike.
ExperimentConfig pair_run_config(const ExperimentConfig& point, std::int64_t canary_index, std::int64_t pair);

/// 16 hex digits: FNV-1a of scientific_yaml(run_config) (execution and output keys excluded).
std::string run_identity(const ExperimentConfig& run_config);

/// Expands points into runs. Under canaries.pairing = independent, canary k gets its own
/// control (pair_run_config(point, −1, k)); under shared, one control serves every canary. `train_size` gives the training-set size of a point (needed to
/// draw random canary indices). Runs with equal identity (e.g. a control shared by two
/// points that differ only in canary selection) appear once.
ExperimentPlan plan_experiment(std::vector<SweepPoint> points,
                               const std::function<std::int64_t(const ExperimentConfig&)>& train_size);

}  // namespace ufm
