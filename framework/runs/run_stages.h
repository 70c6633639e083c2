#pragma once
/// A run as a list of named stages over one run state (docs/architecture.md, "A run").
/// Before training: describe → probe → stamp → initialise; after training: history → privacy →
/// post_train → control → score → one_run → references → store. The single and batched paths
/// run the same lists around their own training step, so a run is set up and scored the same
/// way whether it trains alone or with others. The order is data: a stage's place is its
/// place in these lists.
#include <ATen/Tensor.h>
#include <ATen/core/Generator.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "evaluation/candidate_scores.h"
#include "features/pattern.h"
#include "influence/checkpoints.h"
#include "models/classifier.h"
#include "runs/run_executor.h"
#include "runs/run_probes.h"
#include "scoring/scorer.h"
#include "training/batches.h"
#include "training/trainer.h"

namespace ufm {

/// One run between its plan and its record: what training needs, what scoring reads, and
/// the record being filled.
struct RunState {
  RunState(const PlannedRun& planned, const ExperimentData& experiment, const RunEnvironment& environment_,
           const RunRecord* control_record)
      : run(&planned), data(&experiment), environment(&environment_), control(control_record) {}

  const PlannedRun* run;
  const ExperimentData* data;
  const RunEnvironment* environment;
  /// The control's stored record, for canaries that re-score their control (needs_control_record).
  const RunRecord* control;
  RunRecord record;
  RunProbes probes;
  std::unique_ptr<TrainingView> training;
  std::shared_ptr<Classifier> model;
  at::Generator generator;
  InputShape shape;
  std::int64_t canary_label = -1;
  at::Tensor stamped_normalised;
  /// Outputs of the probes-only scorers after every epoch (evaluation.per_epoch).
  std::vector<ScoreArrays> per_epoch;
  // TracIn needs the weights after every epoch; kept in memory only for runs that compute
  // self-influence (a reference control, or a canary with influence.rank_after).
  bool keep_checkpoints = false;
  std::vector<Checkpoint> checkpoints;
  // Set by training and the stages after it.
  TrainingHistory history;
  double train_seconds = 0.0;
  ProbeProbabilities probe_outputs;  ///< the kept model's softmax on draw 0
  MemorisationScores scores;         ///< the authors' scores of draw 0
  std::shared_ptr<Classifier> control_model;
  /// Exposure: the feature then its candidates (exposure_patterns), and the kept model's
  /// label-known s(pi) of each.
  std::vector<Pattern> exposure_patterns;
  std::vector<double> exposure_scores;
  // An unlearned variant (run->unlearns()): the trained run it starts from, and on an
  // unlearned canary its references (b) and (a) (null when not planned). See execute_unlearning.
  const RunRecord* source = nullptr;
  const RunRecord* never_seen = nullptr;
  const RunRecord* retrained = nullptr;
  /// The parameters as initialised from the seed, before the source's weights were loaded.
  std::vector<at::Tensor> initial_parameters;
  /// Label-known s(pi) of the source model, before unlearning (an unlearned canary).
  std::vector<double> exposure_scores_before;
};

struct RunStage {
  std::string name;
  std::function<void(RunState&)> run;
};

/// Before training, in order: describe, probe, stamp, initialise.
const std::vector<RunStage>& setup_stages();

/// After training, in order: history, privacy, post_train, control (load a canary's own
/// control), score (every registered scorer), one_run (a one-run audit's scoring), references
/// (an unlearned canary against its references), store.
const std::vector<RunStage>& finish_stages();

/// What the post_train stage runs, in order, between training and scoring (unlearning plugs
/// in here); empty today.
const std::vector<RunStage>& post_training_stages();

/// The model a run trained, rebuilt from its stored weights (ConfigError naming `setting`).
std::shared_ptr<Classifier> model_from_record(const RunRecord& record, const ExperimentConfig& config,
                                              const InputShape& shape, const std::string& setting);

/// The run's exposure patterns, drawn once: its feature, then its candidates.
const std::vector<Pattern>& exposure_patterns(RunState& state);
/// How the run stamps patterns on the OOD images for exposure.
StampSpec exposure_stamp(const RunState& state);
/// Label-known s(pi) of `model` for every exposure pattern, at the run's canary label.
std::vector<double> known_candidate_scores(RunState& state, Classifier& model);

/// Runs `stages` on `state` in order.
void run_stages(const std::vector<RunStage>& stages, RunState& state);

/// Called after each epoch the run trains, while its model holds that epoch's weights:
/// checkpoints for TracIn, per-epoch scores, progress.
EpochCallback epoch_callback(RunState& state, const RunProgress& progress);

}  // namespace ufm
