#pragma once
#include <string>
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
/// The run's settings flattened, "key=value" per line in config order (config/stored_settings.h):
/// what readers look settings up in, without YAML. Files before it: derived from kRunConfig.
constexpr const char* kSettings = "settings";
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
/// Private training (privacy.enabled), per run: the schedule and what the accountant
/// says it costs (privacy/dp_sgd_account.h).
constexpr const char* kPrivacySamplingRate = "privacy_sampling_rate";
constexpr const char* kPrivacyNoiseMultiplier = "privacy_noise_multiplier";
constexpr const char* kPrivacyClipNorm = "privacy_clip_norm";
constexpr const char* kPrivacySampling = "privacy_sampling";
constexpr const char* kPrivacyNeighbouring = "privacy_neighbouring";
constexpr const char* kPrivacyDelta = "privacy_delta";
constexpr const char* kPrivacyStepsPlanned = "privacy_steps_planned";
constexpr const char* kPrivacyStepsTaken = "privacy_steps_taken";
constexpr const char* kPrivacyAccountant = "privacy_accountant";
/// The reported ε at privacy_delta: the smaller of the two accountants' (privacy_accountant
/// says which ran: "pld+rdp"), each also stored.
constexpr const char* kPrivacyEpsilon = "privacy_epsilon";
constexpr const char* kPrivacyEpsilonRdp = "privacy_epsilon_rdp";
constexpr const char* kPrivacyEpsilonPld = "privacy_epsilon_pld";
/// The PLD accountant's add/remove bracket (the true ε lies in it), its grid width h, the ε
/// error T·h and the probability mass counted into δ for truncation (privacy/pld_accountant.h).
constexpr const char* kPrivacyEpsilonAddRemovePld = "privacy_epsilon_add_remove_pld";
constexpr const char* kPrivacyEpsilonAddRemovePldLower = "privacy_epsilon_add_remove_pld_lower";
/// Replace-one runs: the substitution PLD's own bracket (privacy/pld_accountant.h,
/// PldRelation::kSubstitution); absent in files written before it and for add/remove.
constexpr const char* kPrivacyEpsilonReplacePld = "privacy_epsilon_replace_pld";
constexpr const char* kPrivacyEpsilonReplacePldLower = "privacy_epsilon_replace_pld_lower";
constexpr const char* kPrivacyPldInterval = "privacy_pld_interval";
constexpr const char* kPrivacyPldEpsilonError = "privacy_pld_epsilon_error";
constexpr const char* kPrivacyPldTruncatedMass = "privacy_pld_truncated_mass";
constexpr const char* kPrivacyEpsilonOrder = "privacy_epsilon_rdp_order";
constexpr const char* kPrivacyEpsilonAddRemove = "privacy_epsilon_add_remove";
constexpr const char* kPrivacyEpsilonExPost = "privacy_epsilon_ex_post";
constexpr const char* kPrivacyValidity = "privacy_validity";
/// μ-GDP of the planned schedule (dominating the stored profile), the CLT approximation
/// (not a guarantee) and ε at privacy_delta read off μ-GDP (how well GDP fits).
constexpr const char* kPrivacyMu = "privacy_mu";
/// privacy.target ("none" when σ was given) and the ε or μ it asked for (an attack or
/// advantage target as the μ it allows); privacy_noise_multiplier is then the solved σ.
constexpr const char* kPrivacyTarget = "privacy_target";
constexpr const char* kPrivacyTargetValue = "privacy_target_value";
constexpr const char* kPrivacyMuClt = "privacy_mu_clt_approximation";
constexpr const char* kPrivacyEpsilonOfMu = "privacy_epsilon_of_mu";
/// The planned schedule's privacy profile δ(ε) (the stated relation; min of the PLD and RDP
/// bounds), axis "epsilon", and the μ-GDP profile δ_μ(ε) beside it.
constexpr const char* kPrivacyProfileDelta = "privacy/profile_delta";
constexpr const char* kPrivacyProfileGdpDelta = "privacy/profile_gdp_delta";
constexpr const char* kPrivacyProfileEpsilon = "privacy/profile_epsilon";
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
// The follow-up (2023) probability score (Hartley, Sanchez, Haider, Tsaftaris, Sci. Rep.
// 13:21366): M_prob(y) = mean over S_y of p^u_i(y) − p^c_i(y), with the one-sided paired
// t-test of p^u(y) against p^c(y). Scalar on a canary (its label), axis "label" on a control.
constexpr const char* kScoreMProb = "scores/M_prob";
constexpr const char* kScoreMProbTtestP = "scores/M_prob_ttest_p";
/// Label unknown: the class k of largest M_prob(k), its M_prob and its t-test p multiplied by
/// the K classes (Bonferroni, capped at 1); on canaries and controls alike.
constexpr const char* kScoreMProbUnknown = "scores/M_prob_label_unknown";
constexpr const char* kScoreMProbUnknownLabel = "scores/M_prob_label_unknown_label";
constexpr const char* kScoreMProbUnknownP = "scores/M_prob_label_unknown_p";
/// Per probe image (axis "image"): the class guessed as argmax p^u_i, argmax (p^u_i − p^c_i)
/// and argmax (p^u_i − p^r_i).
constexpr const char* kLabelGuessFeature = "scores/label_guess_feature";
constexpr const char* kLabelGuessFeatureVsClean = "scores/label_guess_feature_vs_clean";
constexpr const char* kLabelGuessFeatureVsRandom = "scores/label_guess_feature_vs_random";
constexpr const char* kProbeClean = "probes/clean";
constexpr const char* kProbeFeature = "probes/feature";
constexpr const char* kProbeRandom = "probes/random";
constexpr const char* kProbeLabels = "probes/ood_labels";
constexpr const char* kWeightsGroup = "weights";
// Pairs and patch draws (canaries.pairing, evaluation.patch_draws; docs/verdicts.md).
constexpr const char* kPairKey = "pair";            ///< run attribute: pair key k (−1 = shared control)
constexpr const char* kPairing = "pairing";         ///< run attribute: "shared" | "independent"
constexpr const char* kDecoyPattern = "decoy_pattern";  ///< run attribute on null-pair canaries: what was stamped
/// M for every patch draw (evaluation.patch_draws > 1): axis "draw" on a canary, "draw,label"
/// on a control. scores/M stays draw 0.
constexpr const char* kScoreMDraws = "scores/M_draws";
/// On a canary with a control (evaluation.exposure): the control's M at the canary's label,
/// scored with the canary's own feature and patches; and per draw (axis "draw").
constexpr const char* kScoreMControl = "scores/M_control";
constexpr const char* kScoreMDrawsControl = "scores/M_draws_control";
/// On a batch-position control (canaries.batch_position): the training image it moved,
/// unstamped, to its canary's slot, so the pair shares one batch order.
constexpr const char* kControlMoves = "control_moves";
/// On a canary whose training index another canary of the same setting also has (the
/// authors' RandomState draws repeat): the identity of the first such canary. Under shared
/// pairing the two models are identical.
constexpr const char* kDuplicateOf = "duplicate_of";

// One-run audits (canaries.mode: one_run; Steinke, Nasr, Jagielski 2023): one training with m
// canaries, each stamped by its own coin. Arrays have axis "canary" (feature j).
constexpr const char* kOneRunAudit = "one_run_audit";  ///< run attribute: 1 on a one-run audit
constexpr const char* kOneRunImage = "one_run/image";            ///< training index of canary j (int)
constexpr const char* kOneRunLabel = "one_run/label";            ///< its label (int)
constexpr const char* kOneRunStamped = "one_run/stamped";        ///< coin j: 1 = stamped in training (int)
constexpr const char* kOneRunScore = "one_run/score";            ///< s_j = mean log p(y_j | probe ⊕ π_j) over its label's probes
constexpr const char* kOneRunStandardised = "one_run/score_standardised";  ///< s_j standardised per label
constexpr const char* kOneRunGuesses = "one_run_guesses";        ///< attribute: r = k₊ + k₋
constexpr const char* kOneRunGuessStamped = "one_run_guess_stamped";  ///< attribute: k₊
constexpr const char* kOneRunCorrect = "one_run_correct";        ///< attribute: v
constexpr const char* kOneRunStampedCount = "one_run_stamped_count";  ///< attribute: coins that came up stamped
constexpr const char* kOneRunPValue = "one_run_p_value";         ///< attribute: P(Bin(r, ½) >= v)
constexpr const char* kOneRunEpsilonLower = "one_run_epsilon_lower";  ///< attribute: at 95 %, δ = one_run_delta
constexpr const char* kOneRunDelta = "one_run_delta";
constexpr const char* kOneRunNull = "one_run_null";              ///< attribute: 1 when nothing was stamped
constexpr const char* kOneRunSecondsAttribute = "one_run_scoring_seconds";

// Exposure (evaluation.exposure), on canaries. Each ranking X is stored as X (exposure in
// bits, log2(C+1) − log2(rank)), X_rank (int, 1 = highest) and X_p (rank/(C+1)).
constexpr const char* kExposure = "scores/exposure";  ///< label known: s(π) over the label's probe images
constexpr const char* kExposureUnknown = "scores/exposure_label_unknown";  ///< label guessed per pattern (M14)
constexpr const char* kExposureVsControl = "scores/exposure_vs_control";    ///< d(π) = s_canary − s_control
/// The control's own ranking of this canary's feature among the same candidates: the score of a
/// model that never saw the feature (the non-member side of an audit, report/audit_table.h).
constexpr const char* kExposureControl = "scores/exposure_control";
constexpr const char* kExposureVsControlUnknown = "scores/exposure_vs_control_label_unknown";
constexpr const char* kExposureRankSuffix = "_rank";
constexpr const char* kExposurePSuffix = "_p";
constexpr const char* kExposureCandidates = "scores/exposure_candidates";        ///< C (int)
constexpr const char* kExposureImages = "scores/exposure_images";                ///< probe images of the label (int)
constexpr const char* kExposureUnknownImages = "scores/exposure_label_unknown_images";  ///< probe subsample (int)
constexpr const char* kExposureUnknownLabel = "scores/exposure_label_unknown_label";    ///< class guessed for the feature
/// evaluation.save_candidate_scores: s(π) of the feature (element 0) and each candidate, axis "candidate".
constexpr const char* kCandidateScores = "scores/candidate_scores";
constexpr const char* kCandidateScoresUnknown = "scores/candidate_scores_label_unknown";
constexpr const char* kCandidateScoresControl = "scores/candidate_scores_control";
constexpr const char* kCandidateScoresUnknownControl = "scores/candidate_scores_label_unknown_control";

/// Scores after every epoch (evaluation.per_epoch): the same names as scores/ with a leading
/// "epoch" axis ("epoch,label" for M and its p-values on a control).
constexpr const char* kScoresPerEpochGroup = "scores_per_epoch";
/// The groups of a run's scores and its training history (every path under them).
constexpr const char* kScoresGroup = "scores";
constexpr const char* kHistoryGroup = "history";
/// TracIn self-influence of every training image summed over the chosen checkpoints (axis
/// "example", float64); stored on a control that serves as clean reference, and on a canary
/// with influence.rank_after (its stamped image in place).
constexpr const char* kSelfInfluence = "influence/self_influence";
/// Top-1 softmax confidence of the final model on every training image (axis "example").
constexpr const char* kConfidence = "influence/confidence";
/// The 1-based epochs of the checkpoints summed over (axis "checkpoint", int64).
constexpr const char* kCheckpointEpochs = "influence/checkpoint_epochs";

// Unlearning (issue "Unlearning the canary"; docs/unlearning.md). An unlearned variant is its
// own run: attributes naming the trained run it started from and its references, the scores
// of the unlearned model at the usual paths, and the source model's values under "before/"
// (the "after a post-train stage" convention: before/<path> is <path> of the model as trained).
constexpr const char* kUnlearnedFrom = "unlearned_from";            ///< identity of the trained run
constexpr const char* kUnlearningMethodAttribute = "unlearning_method";
constexpr const char* kUnlearningSecondsAttribute = "unlearning_seconds";
constexpr const char* kNeverSeenIdentity = "never_seen_identity";  ///< reference (b): the trained control
constexpr const char* kRetrainedIdentity = "retrained_identity";   ///< reference (a): retrained without j
/// On reference (a): the training indices dropped from its batches, comma-separated.
constexpr const char* kRetrainedWithout = "retrained_without";
constexpr const char* kBeforePrefix = "before/";
/// Mean cross-entropy and accuracy of the model on the forget set (as it was trained on it).
constexpr const char* kForgetLoss = "unlearning/forget_loss";
constexpr const char* kForgetAccuracy = "unlearning/forget_accuracy";
/// Per reference r (kReference*): references/r/M, the reference model's M at the canary's
/// label with this canary's probes, and references/r/exposure (+ _rank, _p), the feature's
/// rank by s_model(pi) - s_reference(pi) among the candidates.
constexpr const char* kReferencesGroup = "references";
constexpr const char* kReferenceRetrained = "retrained";        ///< (a) image removed
constexpr const char* kReferenceNeverSeen = "never_seen";       ///< (b) feature never seen
constexpr const char* kReferenceSameProcedure = "same_procedure";  ///< (c) the control unlearned alike
constexpr const char* kReferenceM = "M";
constexpr const char* kReferenceExposure = "exposure";
/// `path` as the source model scored it before unlearning: before/path.
inline std::string before_unlearning(const std::string& path) { return std::string(kBeforePrefix) + path; }
/// references/<reference>/<what>, e.g. reference_path(kReferenceRetrained, kReferenceM).
inline std::string reference_path(const char* reference, const char* what) {
  return std::string(kReferencesGroup) + "/" + reference + "/" + what;
}

/// Attributes of the root or of a run that say how, where and when it was made (root:
/// config_source, experiment_identity, versions, blas, device, updated_at; run: the
/// environment, timings and what the run was).
constexpr const char* kBlasAttribute = "blas";
constexpr const char* kCanaryTrainingPositionAttribute = "canary_training_position";
constexpr const char* kConfigSourceAttribute = "config_source";
constexpr const char* kCpuModelAttribute = "cpu_model";
/// The CPU's instruction sets that decide the arithmetic a run may use (core/cpu_features.h).
constexpr const char* kCpuInstructionSetsAttribute = "cpu_instruction_sets";
constexpr const char* kDeterministicGpuAttribute = "deterministic_gpu";
constexpr const char* kDeviceAttribute = "device";
constexpr const char* kEvaluationSecondsAttribute = "evaluation_seconds";
constexpr const char* kExperimentIdentityAttribute = "experiment_identity";
constexpr const char* kExposureControlSecondsAttribute = "exposure_control_seconds";
constexpr const char* kExposureFastPathAttribute = "exposure_fast_path";
constexpr const char* kExposureSecondsAttribute = "exposure_seconds";
constexpr const char* kFeaturePatternAttribute = "feature_pattern";
constexpr const char* kFinishedAtAttribute = "finished_at";
constexpr const char* kGitCommitAttribute = "git_commit";
constexpr const char* kHostnameAttribute = "hostname";
constexpr const char* kInfluenceSecondsAttribute = "influence_seconds";
constexpr const char* kLibtorchVersionAttribute = "libtorch_version";
constexpr const char* kOodImagesAttribute = "ood_images";
constexpr const char* kOodNormalisedAttribute = "ood_normalised";
constexpr const char* kParallelModelsAttribute = "parallel_models";
constexpr const char* kParameterCountAttribute = "parameter_count";
constexpr const char* kStartedAtAttribute = "started_at";
constexpr const char* kStoppedEarlyAttribute = "stopped_early";
constexpr const char* kThreadsAttribute = "threads";
constexpr const char* kTrainSecondsAttribute = "train_seconds";
constexpr const char* kUfmVersionAttribute = "ufm_version";
constexpr const char* kUpdatedAtAttribute = "updated_at";
constexpr const char* kWorkersAttribute = "workers";

}  // namespace ufm::schema

