#pragma once
/// Every path and attribute name of the result file, in one place (README, "Result files").
namespace ufm::schema {

/// Bumped whenever the layout changes incompatibly; readers refuse newer versions.
constexpr int kVersion = 1;

// Root attributes.
constexpr const char* kSchemaVersion = "schema_version";
constexpr const char* kExperimentConfig = "config";  ///< resolved YAML of the experiment

// Runs live at /runs/<identity>.
constexpr const char* kRunsGroup = "runs";

// Run attributes.
constexpr const char* kIdentity = "identity";
constexpr const char* kStatus = "status";  ///< "complete" for every run stored
constexpr const char* kStatusComplete = "complete";
constexpr const char* kCanaryIndex = "canary_index";  ///< −1 for a control
constexpr const char* kCanaryLabel = "canary_label";  ///< −1 for a control
constexpr const char* kSeed = "seed";
constexpr const char* kIsControl = "is_control";
constexpr const char* kControlIdentity = "control_identity";  ///< on a canary: its control run
constexpr const char* kServes = "serves";                     ///< on a control: canary identities, comma-separated
constexpr const char* kRunConfig = "config";                  ///< resolved YAML of the run
constexpr const char* kVaryingKeys = "varying_keys";          ///< "key=value;..." of swept keys
constexpr const char* kAxes = "axes";                         ///< on every non-scalar dataset
/// On a canary chosen by influence or hardness: its canaries.select ("most_influential", ...).
constexpr const char* kSelectionGroup = "selection_group";
/// On a canary: 1-based self-influence rank (1 = most influential) of its image among all
/// training images in the clean control model (before stamping) ...
constexpr const char* kSelfInfluenceRankBefore = "self_influence_rank_before";
/// ... and of its stamped image in its own model, same checkpoint rule (influence.rank_after).
constexpr const char* kSelfInfluenceRankAfter = "self_influence_rank_after";

// Run datasets.
constexpr const char* kTrainLoss = "history/train_loss";
constexpr const char* kTrainAccuracy = "history/train_accuracy";
constexpr const char* kValLoss = "history/val_loss";
constexpr const char* kValAccuracy = "history/val_accuracy";
constexpr const char* kEpochSeconds = "history/epoch_seconds";
constexpr const char* kBestEpoch = "best_epoch";  ///< 1-based epoch whose weights were kept
constexpr const char* kEpochsRun = "epochs_run";
constexpr const char* kScoreM2 = "scores/M2";
constexpr const char* kScoreM = "scores/M";  ///< scalar on a canary; axis "label" on a control
constexpr const char* kScoreMTtestP = "scores/M_ttest_p";
constexpr const char* kScoreMMannWhitneyP = "scores/M_mannwhitney_p";
constexpr const char* kScoreMImages = "scores/M_images";
constexpr const char* kScoreM14 = "scores/M14";
constexpr const char* kScoreM14Label = "scores/M14_label";
constexpr const char* kScoreM15 = "scores/M15";
constexpr const char* kScoreM15Label = "scores/M15_label";
constexpr const char* kEntropyClean = "scores/entropy_clean";
constexpr const char* kEntropyFeature = "scores/entropy_feature";
constexpr const char* kEntropyRandom = "scores/entropy_random";
constexpr const char* kKlFeatureRandom = "scores/kl_feature_random";
constexpr const char* kTestAccuracy = "scores/test_accuracy";
constexpr const char* kProbeClean = "probes/clean";
constexpr const char* kProbeFeature = "probes/feature";
constexpr const char* kProbeRandom = "probes/random";
constexpr const char* kProbeLabels = "probes/ood_labels";
constexpr const char* kWeightsGroup = "weights";
/// Scores after every epoch (evaluation.per_epoch): the same names as scores/ with a leading
/// "epoch" axis ("epoch,label" for M and its p-values on a control).
constexpr const char* kScoresPerEpochGroup = "scores_per_epoch";
/// TracIn self-influence of every training image summed over the chosen checkpoints (axis
/// "example", float64); stored on a control that serves as clean reference, and on a canary
/// with influence.rank_after (its stamped image in place).
constexpr const char* kSelfInfluence = "influence/self_influence";
/// Top-1 softmax confidence of the final model on every training image (axis "example").
constexpr const char* kConfidence = "influence/confidence";
/// The 1-based epochs of the checkpoints summed over (axis "checkpoint", int64).
constexpr const char* kCheckpointEpochs = "influence/checkpoint_epochs";

}  // namespace ufm::schema
