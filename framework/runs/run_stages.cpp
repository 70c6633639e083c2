#include "runs/run_stages.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/stopwatch.h"
#include "runtime/runtime_info.h"
#include "config/stored_settings.h"
#include "core/text.h"
#include "evaluation/candidate_scores.h"
#include "evaluation/exposure.h"
#include "features/canary_selection.h"
#include "features/inject.h"
#include "features/pattern.h"
#include "models/init.h"
#include "models/model_registry.h"
#include "runs/one_run_audit.h"
#include "runs/record_arrays.h"
#include "runs/privacy_record.h"
#include "runs/unlearning_stage.h"
#include "scoring/exposure_scorer.h"
#include "scoring/scorer_registry.h"
#include "scoring/self_influence_scorer.h"
#include "storage/schema.h"

namespace ufm {
namespace {

// --- Before training ---------------------------------------------------------------------

// The record's identity, settings and environment.
void describe_run(RunState& state) {
  const PlannedRun& run = *state.run;
  const ExperimentConfig& config = run.config;
  UFM_CHECK(!needs_control_record(run) || state.control != nullptr, ConfigError, "canaries.controls: the control run ",
            run.control_identity, " of canary ", run.canary_index,
            " is missing (it must be trained and stored before the canary is scored)");
  RunRecord& record = state.record;
  record.identity = run.identity;
  record.attributes = state.environment->attributes;
  record.attributes[schema::kIdentity] = run.identity;
  record.attributes[schema::kStatus] = std::string(schema::kStatusComplete);
  record.attributes[schema::kCanaryIndex] = run.canary_index;
  record.attributes[schema::kSeed] = static_cast<std::int64_t>(config.train.seed);
  record.attributes[schema::kIsControl] = static_cast<std::int64_t>(run.is_control() ? 1 : 0);
  record.attributes[schema::kRunConfig] = to_yaml(config);
  record.attributes[schema::kSettings] = settings_text(flattened_settings(config));
  record.attributes[schema::kVaryingKeys] = join(run.varying, ";");
  record.attributes[schema::kStartedAtAttribute] = utc_timestamp();
  record.attributes[schema::kParallelModelsAttribute] = std::int64_t{1};
}

// The run's tested feature and patch draws, and how it is paired.
void probe_run(RunState& state) {
  const PlannedRun& run = *state.run;
  const ExperimentConfig& config = run.config;
  const ExperimentData& data = *state.data;
  RunRecord& record = state.record;
  state.probes = run_probes_for(config, data);
  record.attributes[schema::kFeaturePatternAttribute] = state.probes.feature.to_string();
  record.attributes[schema::kOodImagesAttribute] = data.ood_images;
  record.attributes[schema::kOodNormalisedAttribute] = static_cast<std::int64_t>(config.ood.normalise ? 1 : 0);
  record.attributes[schema::kPairKey] = config.canaries.pair;
  record.attributes[schema::kPairing] = option_name(config.canaries.pairing);
  if (!run.control_identity.empty()) record.attributes[schema::kControlIdentity] = run.control_identity;
  if (run.is_control()) record.attributes[schema::kServes] = join(run.serves, ",");

  if (!run.selection_group.empty()) record.attributes[schema::kSelectionGroup] = run.selection_group;
  if (run.rank_before >= 0) record.attributes[schema::kSelfInfluenceRankBefore] = run.rank_before;
  if (!run.duplicate_of.empty()) record.attributes[schema::kDuplicateOf] = run.duplicate_of;
  if (run.unlearns()) {
    record.attributes[schema::kUnlearnedFrom] = run.unlearned_from;
    record.attributes[schema::kUnlearningMethodAttribute] = config.unlearning.method;
    if (!run.never_seen_identity.empty()) record.attributes[schema::kNeverSeenIdentity] = run.never_seen_identity;
    if (!run.retrained_identity.empty()) record.attributes[schema::kRetrainedIdentity] = run.retrained_identity;
  }
}

// The training view with the run's canary stamped (or, for a batch-position control, its
// canary's image moved unstamped).
void stamp_run(RunState& state) {
  const PlannedRun& run = *state.run;
  const ExperimentConfig& config = run.config;
  const ExperimentData& data = *state.data;
  RunRecord& record = state.record;
  // Training reads the tensors on the execution device (the CPU ones on the CPU).
  state.training = std::make_unique<TrainingView>(data.on_device.train_images, data.on_device.train_labels);
  TrainingView& training = *state.training;
  if (run.one_run) {
    stamp_one_run(state);
  } else if (!run.is_control()) {
    state.canary_label = data.dataset.train.labels[run.canary_index].item<std::int64_t>();
    // Null pairs stamp a decoy: the model never sees the pattern it is tested on.
    const Pattern stamped_pattern =
        config.feature.decoy ? decoy_for_pair(config.feature, std::max<std::int64_t>(config.canaries.pair, 0))
                             : state.probes.feature;
    if (config.feature.decoy) record.attributes[schema::kDecoyPattern] = stamped_pattern.to_string();
    // Stamp on [0,1] pixels, then normalise (science.md, "The unique feature").
    const at::Tensor stamped =
        inject_feature(data.dataset.train.images[run.canary_index], stamped_pattern, config.feature.offset);
    state.stamped_normalised = normalise(stamped, data.dataset.normalisation);
    training.set_canary(run.canary_index, state.stamped_normalised);
    if (config.canaries.batch_position >= 0) {
      const auto order = order_with_moved_example(training.size(), run.canary_index,
                                                  config.canaries.batch_position * config.train.batch_size);
      training.set_order(at::tensor(order, at::kLong));
      record.attributes[schema::kCanaryTrainingPositionAttribute] = config.canaries.batch_position * config.train.batch_size;
    }
  }
  if (run.is_control() && config.canaries.control_moves >= 0 && config.canaries.batch_position >= 0) {
    // A batch-position control: the same image moved to the same slot, without the feature.
    const auto order = order_with_moved_example(training.size(), config.canaries.control_moves,
                                                config.canaries.batch_position * config.train.batch_size);
    training.set_order(at::tensor(order, at::kLong));
    record.attributes[schema::kControlMoves] = config.canaries.control_moves;
    record.attributes[schema::kCanaryTrainingPositionAttribute] = config.canaries.batch_position * config.train.batch_size;
  }
  if (run.is_retrained_reference()) {
    // Reference (a): the forget set leaves the batches it falls in, everything else in place.
    const std::vector<std::int64_t> forget = config.unlearning.forget_set();
    training.set_removed(forget);
    std::vector<std::string> indices;
    for (std::int64_t index : forget) indices.push_back(std::to_string(index));
    record.attributes[schema::kRetrainedWithout] = join(indices, ",");
  }
  record.attributes[schema::kCanaryLabel] = state.canary_label;
}

// The model, initialised from the run's own generator.
void initialise_run(RunState& state) {
  const PlannedRun& run = *state.run;
  const ExperimentConfig& config = run.config;
  const ExperimentData& data = *state.data;
  // Every draw of the run comes from its own generator seeded by train.seed alone, so a
  // canary and its control share initialisation and batch order. Initialisation happens on
  // the CPU whatever the device, so a GPU run starts from the same weights as a CPU run.
  state.generator = at::make_generator<at::CPUGeneratorImpl>(config.train.seed);
  state.shape = InputShape{data.dataset.channels(), data.dataset.height(), data.dataset.width(),
                           data.dataset.num_classes};
  state.model = create_model(config.model, state.shape);
  initialise_keras_defaults(*state.model, state.generator);
  if (!data.on_device.device.is_cpu()) state.model->to(data.on_device.device);
  state.record.attributes[schema::kParameterCountAttribute] = parameter_count(*state.model);
  // An own-noise reference (privacy.draw_stream > 0) draws everything after its shared
  // initialisation from another stream of its seed.
  if (config.privacy.draw_stream > 0) {
    state.generator.set_current_seed(
        stream_seed(config.train.seed, StreamPurpose::kTrainingDraws, config.privacy.draw_stream));
  }
  state.model->set_generator(state.generator);
  state.keep_checkpoints = run.is_control() ? run.compute_influence : run.influence_after;
}

// --- After training ----------------------------------------------------------------------
// Scoring runs on the CPU whatever the training device (its fast paths, the candidate scores
// and self-influence, are written for it), from the CPU tensors.

void record_history(RunState& state) {
  if (!state.data->on_device.device.is_cpu()) state.model->to(at::kCPU);
  if (state.source != nullptr) {
    // An unlearned variant trained nothing itself: its history is its source's.
    copy_training_history(*state.source, state.record);
    return;
  }
  state.record.attributes[schema::kTrainSecondsAttribute] = state.train_seconds;
  state.record.attributes[schema::kStoppedEarlyAttribute] = static_cast<std::int64_t>(state.history.stopped_early ? 1 : 0);
  add_history(state.record, state.history);
}

void run_post_training(RunState& state) { run_stages(post_training_stages(), state); }

// A canary's own control (independent pairing), rebuilt from its stored weights for the
// scorers that compare with it (control_rescore, exposure against the control).
void load_control(RunState& state) {
  const PlannedRun& run = *state.run;
  if (run.is_control() || state.control == nullptr || !needs_control_record(run)) return;
  state.control_model = model_from_record(*state.control, run.config, state.shape, "canaries.controls");
}

// Every registered scorer (scoring/scorer_registry.h) on the kept model, with the inputs this
// run provides: which scores a run stores is decided here, by what it hands the scorers.
void score_run(RunState& state) {
  const PlannedRun& run = *state.run;
  const ExperimentConfig& config = run.config;
  const ExperimentData& data = *state.data;
  RunRecord& record = state.record;
  const Stopwatch evaluation_start;
  state.probe_outputs = run_probes(*state.model, state.probes.draws.front(), config.evaluation.batch_size);
  const ProbeOutputs outputs = outputs_of(state.probe_outputs);
  ScoringContext context(outputs, state.canary_label);
  context.model = state.model.get();
  context.test_images = &data.test_images;
  context.test_labels = &data.dataset.test.labels;
  context.draws = &state.probes.draws;
  context.batch_size = config.evaluation.batch_size;
  context.control_model = state.control_model.get();
  ExposureInputs exposure;
  if (config.evaluation.exposure && !run.is_control() && !run.one_run) {
    exposure.patterns = &exposure_patterns(state);
    exposure.stamp = exposure_stamp(state);
    exposure.ood_images = &data.ood.images;
    exposure.ood_labels = &data.ood.labels;
    exposure.probe_limit = config.evaluation.candidate_probe_limit;
    exposure.save_candidate_scores = config.evaluation.save_candidate_scores;
    context.exposure = &exposure;
  }
  InfluenceInputs influence;
  if (state.keep_checkpoints) {
    influence.checkpoints = &state.checkpoints;
    influence.train_loss = &state.history.train_loss;
    influence.options = &config.influence;
    influence.train_images = &data.train_images;
    influence.train_labels = &data.dataset.train.labels;
    influence.canary_index = run.canary_index;
    influence.stamped = &state.stamped_normalised;
    context.influence = &influence;
  }
  ScoreResult result = score_with_all(context);
  for (auto& [path, array] : result.arrays) record.arrays[path] = std::move(array);
  for (auto& [key, value] : result.attributes) record.attributes[key] = std::move(value);
  if (result.kept.count(kKeptExposureScores)) state.exposure_scores = std::move(result.kept.at(kKeptExposureScores));
  state.scores = context.memorisation();
  state.checkpoints.clear();
  for (auto& [path, array] : stack_per_epoch(state.per_epoch)) record.arrays[path] = std::move(array);
  // The probe scores' own time: exposure and self-influence keep theirs.
  double seconds = evaluation_start.seconds();
  for (const char* own : {schema::kExposureSecondsAttribute, schema::kExposureControlSecondsAttribute,
                          schema::kInfluenceSecondsAttribute}) {
    if (result.attributes.count(own)) seconds -= std::get<double>(result.attributes.at(own));
  }
  record.attributes[schema::kEvaluationSecondsAttribute] = seconds;
}

// The probe softmax and the weights where asked for, and the finishing time.
void store_outputs(RunState& state) {
  const PlannedRun& run = *state.run;
  const ExperimentConfig& config = run.config;
  RunRecord& record = state.record;
  const ProbeProbabilities& probe_outputs = state.probe_outputs;
  if (config.evaluation.save_probes) {
    record.arrays[schema::kProbeClean] = matrix(probe_outputs.clean, "image,class");
    record.arrays[schema::kProbeFeature] = matrix(probe_outputs.feature, "image,class");
    record.arrays[schema::kProbeRandom] = matrix(probe_outputs.random, "image,class");
    const std::int64_t* labels = probe_outputs.labels.data_ptr<std::int64_t>();
    record.arrays[schema::kProbeLabels] = ArrayData{
        {probe_outputs.labels.numel()}, "image",
        std::vector<std::int64_t>(labels, labels + probe_outputs.labels.numel())};
  }
  if (config.output.save_weights || stores_control_weights(run) || run.keeps_weights) {
    // A control's canaries, and unlearned variants, rebuild its model from these (with
    // buffers: batch-norm statistics).
    save_model_state(record, *state.model, stores_control_weights(run) || run.keeps_weights);
  }
  record.attributes[schema::kFinishedAtAttribute] = utc_timestamp();
}

}  // namespace

std::shared_ptr<Classifier> model_from_record(const RunRecord& record, const ExperimentConfig& config,
                                              const InputShape& shape, const std::string& setting) {
  std::shared_ptr<Classifier> model = create_model(config.model, shape);
  load_weights(*model, record, setting);
  model->eval();
  return model;
}

const std::vector<Pattern>& exposure_patterns(RunState& state) {
  if (state.exposure_patterns.empty()) {
    const ExperimentConfig& config = state.run->config;
    const std::int64_t pair = std::max<std::int64_t>(config.canaries.pair, 0);
    state.exposure_patterns.push_back(state.probes.feature);
    for (auto& candidate : candidate_patterns(config.evaluation.candidate_space, config.evaluation.candidates,
                                              config.evaluation.candidate_list, state.probes.feature,
                                              config.evaluation.candidate_seed, pair)) {
      state.exposure_patterns.push_back(std::move(candidate));
    }
  }
  return state.exposure_patterns;
}

StampSpec exposure_stamp(const RunState& state) {
  const ExperimentConfig& config = state.run->config;
  return StampSpec{config.feature.offset, state.data->dataset.normalisation, config.ood.normalise};
}

std::vector<double> known_candidate_scores(RunState& state, Classifier& model) {
  const ExperimentConfig& config = state.run->config;
  return score_candidates(model, state.data->ood.images, state.data->ood.labels, state.canary_label,
                          exposure_patterns(state), exposure_stamp(state), config.evaluation.candidate_probe_limit)
      .known;
}

const std::vector<RunStage>& setup_stages() {
  static const std::vector<RunStage> stages = {
      RunStage{"describe", describe_run},
      RunStage{"probe", probe_run},
      RunStage{"stamp", stamp_run},
      RunStage{"initialise", initialise_run},
  };
  return stages;
}

const std::vector<RunStage>& finish_stages() {
  static const std::vector<RunStage> stages = {
      RunStage{"history", record_history},  RunStage{"privacy", record_privacy},
      RunStage{"post_train", run_post_training},
      RunStage{"control", load_control},    RunStage{"score", score_run},
      RunStage{"one_run", [](RunState& state) { if (state.run->one_run) score_one_run(state); }},
      RunStage{"references", compare_with_references},
      RunStage{"store", store_outputs},
  };
  return stages;
}

const std::vector<RunStage>& post_training_stages() {
  static const std::vector<RunStage> stages = {RunStage{"unlearn", unlearn_run}};
  return stages;
}

void run_stages(const std::vector<RunStage>& stages, RunState& state) {
  for (const RunStage& stage : stages) stage.run(state);
}

// Called after each epoch the run trains, while its model holds that epoch's weights.
EpochCallback epoch_callback(RunState& state, const RunProgress& progress) {
  return [&state, progress](const TrainingHistory& so_far) {
    const ExperimentConfig& config = state.run->config;
    if (state.keep_checkpoints) state.checkpoints.push_back(capture_checkpoint(*state.model, so_far.epochs_run()));
    // Evaluation mode draws nothing from the generator, so scoring every epoch leaves the
    // training trajectory unchanged.
    if (config.evaluation.per_epoch) {
      const ProbeProbabilities probes =
          run_probes(*state.model, state.probes.draws.front(), config.evaluation.batch_size);
      const ProbeOutputs outputs = outputs_of(probes);
      state.per_epoch.push_back(score_with_all(ScoringContext(outputs, state.canary_label), /*probes_only=*/true).arrays);
    }
    if (progress) progress(*state.run, so_far);
  };
}

}  // namespace ufm
