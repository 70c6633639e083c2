#pragma once
/// From an experiment (possibly a sweep of several points) to the list of model
/// trainings it needs: one per canary index, plus one control per distinct training
/// configuration. Each run has an identity: a hash of its canonical scientific config,
/// so the same training is recognised whatever sweep or order produced it.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/experiment_config.h"

namespace ufm {

/// One point of a sweep and the "key=value" settings that distinguish it.
struct SweepPoint {
  ExperimentConfig config;
  std::vector<std::string> varying;
  /// The config asked for train.precision=auto, which experiment_points resolved (on this
  /// machine) into the config's fp32 or bf16.
  bool automatic_precision = false;
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
  /// 1 = a reference/control run whose outputs choose the canaries of its point (it must
  /// finish before those canaries can be planned); 2 = everything else. A plain number so
  /// that schedulers (e.g. cluster job stages) can order runs without knowing why.
  int stage = 2;
  /// On a control of a point that needs influence: compute self-influence and confidence
  /// of every training image and store them (schema::kSelfInfluence ...).
  bool compute_influence = false;
  /// On a canary with influence.rank_after: rank its stamped image by self-influence in
  /// its own model (schema::kSelfInfluenceRankAfter).
  bool influence_after = false;
  /// On a canary chosen by influence or hardness: the point's canaries.select.
  std::string selection_group;
  /// On a canary of a point that needs influence: the self-influence rank of its image in
  /// the clean control model (1 = most influential); −1 when not computed.
  std::int64_t rank_before = -1;
  /// On a canary whose index an earlier canary of the same point also drew (numpy's
  /// RandomState repeats indices): that canary's identity. Under shared pairing the two
  /// train identical models, so they are one observation, not two; "" otherwise.
  std::string duplicate_of;
  /// A one-run audit (canaries.mode: one_run): one training stamping many canaries by coin;
  /// canary_index stays −1 (no single canary), and it has no control.
  bool one_run = false;
  /// An unlearned variant (unlearning.method set): the identity of the trained run it starts
  /// from (its training identity); it trains nothing itself. "" for every training.
  std::string unlearned_from;
  /// On an unlearned canary: reference (b), the control it was paired with before unlearning
  /// ("feature never seen"), and reference (a), the control retrained with the forget set
  /// dropped ("image removed"; "" without unlearning.retrain_reference). Its control_identity
  /// is reference (c), its control unlearned the same way.
  std::string never_seen_identity;
  std::string retrained_identity;
  /// Stores its weights and buffers (weights/) whatever output.save_weights says: a trained
  /// model that unlearned variants or their comparisons rebuild.
  bool keeps_weights = false;
  bool is_control() const { return canary_index < 0 && !one_run; }
  bool unlearns() const { return !unlearned_from.empty(); }
  /// A reference (a): trained with its forget set dropped from the batches.
  bool is_retrained_reference() const { return !unlearns() && config.unlearning.forget_index >= 0; }
};

/// "control" or "canary 1534": how progress lines and plan tables name a run.
std::string run_label(const PlannedRun& run);

struct ExperimentPlan {
  std::vector<SweepPoint> points;
  std::vector<PlannedRun> runs;  ///< controls first within each point, then canaries in selection order
  /// Points whose canaries are chosen after stage 1: their control (the clean reference)
  /// has not been trained yet, so only the control is planned for them.
  std::vector<std::size_t> pending_points;
};

/// What a clean reference model (a stage-1 control) says about every training image.
struct ReferenceInfluence {
  std::vector<double> self_influence;  ///< TracIn self-influence
  std::vector<double> confidence;      ///< top-1 confidence of the final model
};

/// The stored reference of a control run, or nullopt while it has not been trained.
using ReferenceLookup = std::function<std::optional<ReferenceInfluence>(const PlannedRun& control)>;

/// True when a point needs its control's self-influence: canaries chosen by influence or
/// hardness, or influence.rank_after (which also ranks each canary before stamping).
bool needs_influence(const ExperimentConfig& point);

/// The canaries a point's selection takes from its reference, influence.k of them, ties by
/// index: most_influential / least_influential = largest / smallest self-influence;
/// hardest / easiest = smallest / largest confidence; random and list as select_canaries
/// (random draws from the reference's training-set size).
std::vector<std::int64_t> select_from_reference(const ExperimentConfig& point, const ReferenceInfluence& reference);

/// The config of one run: `canaries` reduced to {select: list, indices: [canary_index]}
/// (empty for a control), so that how the index was chosen does not enter the identity.
/// `influence` is the defaults unless the point needs influence; then the point's block
/// without k and batch_size (which do not change the run's record), and without rank_after
/// on a control.
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
/// points that differ only in canary selection) appear once. A point that needs influence
/// gets its control as stage 1; its canaries are planned from `reference` (the trained
/// control's arrays) and listed in pending_points while it returns nullopt (or is null).
ExperimentPlan plan_experiment(std::vector<SweepPoint> points,
                               const std::function<std::int64_t(const ExperimentConfig&)>& train_size,
                               const ReferenceLookup& reference = nullptr);

}  // namespace ufm
