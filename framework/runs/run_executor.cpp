#include "runs/run_executor.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>

#include "core/error.h"
#include "core/runtime_info.h"
#include "core/text.h"
#include "data/dataset_registry.h"
#include "data/ood_adapter.h"
#include "evaluation/candidate_scores.h"
#include "evaluation/exposure.h"
#include "evaluation/scores.h"
#include "features/canary_selection.h"
#include "features/inject.h"
#include "influence/checkpoints.h"
#include "influence/self_influence.h"
#include "models/init.h"
#include "models/model_registry.h"
#include "scoring/scorer_registry.h"
#include "storage/schema.h"
#include "training/batched_trainer.h"

namespace ufm {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

ArrayData int_scalar(std::int64_t value) { return ArrayData{{}, "", std::vector<std::int64_t>{value}}; }

ArrayData matrix(const at::Tensor& values, const std::string& axes) {
  at::Tensor contiguous = values.to(at::kFloat).contiguous();
  const float* begin = contiguous.data_ptr<float>();
  return ArrayData{contiguous.sizes().vec(), axes, std::vector<float>(begin, begin + contiguous.numel())};
}

std::string weight_axes(const std::string& name, std::int64_t dims) {
  if (dims == 1) return "output";
  if (dims == 2) return "output,input";
  if (dims == 4) return "output,input,height,width";
  std::string axes;
  for (std::int64_t d = 0; d < dims; ++d) axes += (d ? ",dim" : "dim") + std::to_string(d);
  return axes;
}

void add_history(RunRecord& record, const TrainingHistory& history) {
  record.arrays[schema::kTrainLoss] = ArrayData::vector(history.train_loss, "epoch");
  record.arrays[schema::kTrainAccuracy] = ArrayData::vector(history.train_accuracy, "epoch");
  record.arrays[schema::kValLoss] = ArrayData::vector(history.val_loss, "epoch");
  record.arrays[schema::kValAccuracy] = ArrayData::vector(history.val_accuracy, "epoch");
  record.arrays[schema::kEpochSeconds] = ArrayData::vector(history.epoch_seconds, "epoch");
  record.arrays[schema::kBestEpoch] = int_scalar(history.best_epoch);
  record.arrays[schema::kEpochsRun] = int_scalar(history.epochs_run());
}

// Views of the probe outputs for the score functions (evaluation/scores.h).
ProbeOutputs outputs_of(const ProbeProbabilities& probes) {
  ProbeOutputs outputs;
  outputs.clean = MatrixView{probes.clean.data_ptr<float>(), probes.clean.size(0), probes.clean.size(1)};
  outputs.feature = MatrixView{probes.feature.data_ptr<float>(), probes.feature.size(0), probes.feature.size(1)};
  outputs.random = MatrixView{probes.random.data_ptr<float>(), probes.random.size(0), probes.random.size(1)};
  outputs.labels = probes.labels.data_ptr<std::int64_t>();
  return outputs;
}

MemorisationScores score_model(Classifier& model, const ProbeInputs& inputs, std::int64_t batch_size,
                               ProbeProbabilities* keep = nullptr) {
  ProbeProbabilities probes = run_probes(model, inputs, batch_size);
  MemorisationScores scores = memorisation_scores(outputs_of(probes));
  if (keep) *keep = std::move(probes);
  return scores;
}

// The pair key that selects a run's patch draws: its own under independent pairing, 0 (the
// experiment's one draw shared by every model) under the authors' shared protocol.
std::int64_t patch_key(const ExperimentConfig& config) {
  return config.canaries.pairing == "independent" ? std::max<std::int64_t>(config.canaries.pair, 0) : 0;
}

// What one run is probed with: its tested feature and its patch draws.
struct RunProbes {
  Pattern feature;
  std::vector<ProbeInputs> draws;  ///< draw d's probes (clean and feature are shared by all draws)
};

RunProbes run_probes_for(const ExperimentConfig& config, const ExperimentData& data) {
  RunProbes out;
  out.feature = feature_for_pair(config.feature, std::max<std::int64_t>(config.canaries.pair, 0));
  const std::int64_t key = patch_key(config);
  for (std::int64_t d = 0; d < config.evaluation.patch_draws; ++d) {
    if (d == 0 && key == 0 && out.feature == data.feature) {
      out.draws.push_back(data.probes);  // the experiment's own probes: nothing to rebuild
      continue;
    }
    const auto patches = random_patches(data.ood.size(), out.feature.rows, out.feature.cols,
                                        patch_stream_seed(config.evaluation.patch_seed, key, d));
    if (d == 0) {
      out.draws.push_back(make_probe_inputs(data.ood, out.feature, patches, config.feature.offset,
                                            data.dataset.normalisation, config.ood.normalise));
    } else {
      // Only the random probe changes between draws.
      ProbeInputs inputs = out.draws.front();
      const at::Tensor random = inject_patches(data.ood.images, patches, config.feature.offset);
      inputs.random = config.ood.normalise ? normalise(random, data.dataset.normalisation) : random.contiguous();
      out.draws.push_back(std::move(inputs));
    }
  }
  return out;
}

// M for every label (rows: draws) of one model on the run's probes.
std::vector<std::vector<LabelKnownScore>> m_per_draw(Classifier& model, const RunProbes& probes,
                                                     std::int64_t batch_size, const MemorisationScores& draw0) {
  std::vector<std::vector<LabelKnownScore>> out{draw0.per_label};
  for (std::size_t d = 1; d < probes.draws.size(); ++d) {
    const ProbeProbabilities p = run_probes(model, probes.draws[d], batch_size);
    const ProbeOutputs outputs = outputs_of(p);
    std::vector<LabelKnownScore> labels;
    for (std::int64_t k = 0; k < outputs.clean.cols; ++k) labels.push_back(label_known_score(outputs, k));
    out.push_back(std::move(labels));
  }
  return out;
}

void add_m_draws(RunRecord& record, const std::string& path, const std::vector<std::vector<LabelKnownScore>>& draws,
                 std::int64_t label) {
  const auto count = static_cast<std::int64_t>(draws.size());
  std::vector<double> values;
  if (label >= 0) {
    for (const auto& d : draws) values.push_back(d.at(static_cast<std::size_t>(label)).m);
    record.arrays[path] = ArrayData::vector(values, "draw");
    return;
  }
  const auto labels = static_cast<std::int64_t>(draws.front().size());
  for (const auto& d : draws) {
    for (const auto& l : d) values.push_back(l.m);
  }
  record.arrays[path] = ArrayData{{count, labels}, "draw,label", values};
}

void add_rank(RunRecord& record, const std::string& prefix, const ExposureRank& rank) {
  record.arrays[prefix] = ArrayData::scalar(rank.exposure);
  record.arrays[prefix + "_rank"] = int_scalar(rank.rank);
  record.arrays[prefix + "_p"] = ArrayData::scalar(rank.p_value);
}

void save_model_state(RunRecord& record, Classifier& model, bool with_buffers) {
  for (const auto& item : model.named_parameters()) {
    record.arrays[std::string(schema::kWeightsGroup) + "/" + item.key()] =
        matrix(item.value().detach(), weight_axes(item.key(), item.value().dim()));
  }
  if (!with_buffers) return;
  for (const auto& item : model.named_buffers()) {
    const std::string path = std::string(schema::kWeightsGroup) + "/" + item.key();
    record.arrays[path] = item.value().dim() == 0
                              ? ArrayData::scalar(item.value().item<double>())
                              : matrix(item.value().detach(), weight_axes(item.key(), item.value().dim()));
  }
}

// The model a run trained, rebuilt from its stored weights.
std::shared_ptr<Classifier> model_from_record(const RunRecord& record, const ExperimentConfig& config,
                                              const InputShape& shape, const std::string& setting) {
  std::shared_ptr<Classifier> model = create_model(config.model, shape);
  load_weights(*model, record, setting);
  model->eval();
  return model;
}

// Self-influence of every training image at the checkpoints the rule picks from this
// run's loss curve, and the final model's confidence. A canary run is scored on its own
// training set: the stamped image in place of the original at its index.
void add_influence(RunRecord& record, Classifier& model, const std::vector<Checkpoint>& checkpoints,
                   const TrainingHistory& history, const ExperimentData& data, const ExperimentConfig& config,
                   std::int64_t canary_index, const at::Tensor& stamped) {
  const auto start = Clock::now();
  const std::vector<std::int64_t> epochs = choose_checkpoint_epochs(history.train_loss, config.influence);
  const std::vector<Checkpoint> chosen = checkpoints_at(checkpoints, epochs);
  const at::Tensor& labels = data.dataset.train.labels;
  at::Tensor influence =
      self_influence_over_checkpoints(model, chosen, data.train_images, labels, config.influence.batch_size);
  at::Tensor confidence = top1_confidence(model, data.train_images, config.influence.batch_size);
  if (canary_index >= 0) {
    const at::Tensor image = stamped.unsqueeze(0);
    influence.narrow(0, canary_index, 1)
        .copy_(self_influence_over_checkpoints(model, chosen, image, labels.narrow(0, canary_index, 1), 1));
    confidence.narrow(0, canary_index, 1).copy_(top1_confidence(model, image, 1));
  }
  std::vector<double> values = to_vector(influence);
  record.arrays[schema::kSelfInfluence] = ArrayData::vector(values, "example");
  record.arrays[schema::kConfidence] = ArrayData::vector(to_vector(confidence), "example");
  record.arrays[schema::kCheckpointEpochs] =
      ArrayData{{static_cast<std::int64_t>(epochs.size())}, "checkpoint", epochs};
  if (canary_index >= 0) record.attributes[schema::kSelfInfluenceRankAfter] = rank_of(values, canary_index);
  record.attributes["influence_seconds"] = seconds_since(start);
}

}  // namespace

std::string experiment_data_key(const ExperimentConfig& point) {
  ExperimentConfig key = run_config(point, -1);
  key.model = ModelOptions{};
  key.train = TrainingOptions{};
  key.influence = InfluenceOptions{};
  return scientific_yaml(key);
}

ExperimentData prepare_experiment_data(const ExperimentConfig& point) {
  ExperimentData data;
  data.dataset = load_dataset(point.data);
  data.train_images = normalise(data.dataset.train.images, data.dataset.normalisation).contiguous();
  data.test_images = normalise(data.dataset.test.images, data.dataset.normalisation).contiguous();
  data.on_device = TrainingTensors{c10::Device(c10::kCPU), data.train_images, data.dataset.train.labels,
                                   data.test_images, data.dataset.test.labels};
  data.feature = feature_for_pair(point.feature, 0);
  check_pattern_fits(data.feature, point.feature.offset, data.dataset.height(), data.dataset.width(),
                     "feature.offset");
  const ImageSplit ood =
      load_ood_images(point.ood, data.dataset.channels(), data.dataset.height(), data.dataset.width());
  data.ood_images = ood.size();
  data.ood = ood;
  UFM_CHECK(ood.size() > 0, ConfigError, "ood: the OOD set '", point.ood.dataset, "' has no images");
  // One random patch per OOD image, from the evaluation's own seeded stream: the same
  // draw for every model of the experiment (science.md, "Probing with OOD images").
  const auto patches =
      random_patches(ood.size(), data.feature.rows, data.feature.cols, point.evaluation.patch_seed);
  data.probes = make_probe_inputs(ood, data.feature, patches, point.feature.offset, data.dataset.normalisation,
                                  point.ood.normalise);
  return data;
}

namespace {

// Under shared pairing with random features, canary k is probed with feature k while its
// control's own scores use feature 0: the control must be re-scored with the canary's
// feature (scores/M_control), so it keeps its weights. Letter and matrix features probe
// every model alike, so the control's own M at the canary's label is already paired.
bool control_scored_per_canary(const ExperimentConfig& config) {
  return config.evaluation.exposure ||
         (config.feature.pattern == "random" && config.canaries.pairing != "independent");
}

}  // namespace

bool needs_control_record(const PlannedRun& run) {
  return !run.is_control() && !run.control_identity.empty() && control_scored_per_canary(run.config);
}

bool stores_control_weights(const PlannedRun& run) {
  return run.is_control() && !run.serves.empty() && control_scored_per_canary(run.config);
}

void load_weights(Classifier& model, const RunRecord& record, const std::string& setting) {
  at::NoGradGuard no_grad;
  auto copy_into = [&](const std::string& name, at::Tensor target) {
    const std::string path = std::string(schema::kWeightsGroup) + "/" + name;
    UFM_CHECK(record.has_array(path), ConfigError, setting, ": run ", record.identity, " stores no ", path,
              " (trained without evaluation.exposure?); train it again");
    const ArrayData& array = record.array(path);
    const std::vector<double> values = array.as_doubles();
    UFM_CHECK(static_cast<std::int64_t>(values.size()) == target.numel(), ConfigError, setting, ": run ",
              record.identity, " stores ", values.size(), " values in ", path, ", the model expects ",
              target.numel());
    std::vector<float> floats(values.begin(), values.end());
    target.copy_(at::tensor(floats, at::kFloat).reshape(target.sizes()).to(target.scalar_type()));
  };
  for (auto& item : model.named_parameters()) copy_into(item.key(), item.value());
  for (auto& item : model.named_buffers()) copy_into(item.key(), item.value());
}

namespace {

// A run between its set-up and its record: what training needs, and the record being
// filled. Single and batched execution share it, so a run is set up and scored the same
// way whether it trains alone or with others.
struct RunInProgress {
  const PlannedRun* run = nullptr;
  const RunRecord* control = nullptr;
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
};

// Everything before training: the record's attributes, the probes, the training view with
// the run's canary, and the model initialised from the run's own generator.
std::unique_ptr<RunInProgress> start_run(const PlannedRun& run, const ExperimentData& data,
                                         const RunEnvironment& environment, const RunRecord* control) {
  const ExperimentConfig& config = run.config;
  UFM_CHECK(!needs_control_record(run) || control != nullptr, ConfigError, "canaries.controls: the control run ",
            run.control_identity, " of canary ", run.canary_index,
            " is missing (it must be trained and stored before the canary is scored)");
  auto state = std::make_unique<RunInProgress>();
  state->run = &run;
  state->control = control;
  RunRecord& record = state->record;
  record.identity = run.identity;
  record.attributes = environment.attributes;
  record.attributes[schema::kIdentity] = run.identity;
  record.attributes[schema::kStatus] = std::string(schema::kStatusComplete);
  record.attributes[schema::kCanaryIndex] = run.canary_index;
  record.attributes[schema::kSeed] = static_cast<std::int64_t>(config.train.seed);
  record.attributes[schema::kIsControl] = static_cast<std::int64_t>(run.is_control() ? 1 : 0);
  record.attributes[schema::kRunConfig] = to_yaml(config);
  record.attributes[schema::kVaryingKeys] = join(run.varying, ";");
  record.attributes["started_at"] = utc_timestamp();
  record.attributes["parallel_models"] = std::int64_t{1};
  state->probes = run_probes_for(config, data);
  const RunProbes& probes = state->probes;
  record.attributes["feature_pattern"] = probes.feature.to_string();
  record.attributes["ood_images"] = data.ood_images;
  record.attributes["ood_normalised"] = static_cast<std::int64_t>(config.ood.normalise ? 1 : 0);
  record.attributes[schema::kPairKey] = config.canaries.pair;
  record.attributes[schema::kPairing] = config.canaries.pairing;
  if (!run.control_identity.empty()) record.attributes[schema::kControlIdentity] = run.control_identity;
  if (run.is_control()) record.attributes[schema::kServes] = join(run.serves, ",");

  if (!run.selection_group.empty()) record.attributes[schema::kSelectionGroup] = run.selection_group;
  if (run.rank_before >= 0) record.attributes[schema::kSelfInfluenceRankBefore] = run.rank_before;
  if (!run.duplicate_of.empty()) record.attributes[schema::kDuplicateOf] = run.duplicate_of;

  // Training reads the tensors on the execution device (the CPU ones on the CPU).
  state->training = std::make_unique<TrainingView>(data.on_device.train_images, data.on_device.train_labels);
  TrainingView& training = *state->training;
  if (!run.is_control()) {
    state->canary_label = data.dataset.train.labels[run.canary_index].item<std::int64_t>();
    // Null pairs stamp a decoy: the model never sees the pattern it is tested on.
    const Pattern stamped_pattern =
        config.feature.decoy ? decoy_for_pair(config.feature, std::max<std::int64_t>(config.canaries.pair, 0))
                             : probes.feature;
    if (config.feature.decoy) record.attributes[schema::kDecoyPattern] = stamped_pattern.to_string();
    // Stamp on [0,1] pixels, then normalise (science.md, "The unique feature").
    const at::Tensor stamped =
        inject_feature(data.dataset.train.images[run.canary_index], stamped_pattern, config.feature.offset);
    state->stamped_normalised = normalise(stamped, data.dataset.normalisation);
    training.set_canary(run.canary_index, state->stamped_normalised);
    if (config.canaries.batch_position >= 0) {
      const auto order = order_with_moved_example(training.size(), run.canary_index,
                                                  config.canaries.batch_position * config.train.batch_size);
      training.set_order(at::tensor(order, at::kLong));
      record.attributes["canary_training_position"] = config.canaries.batch_position * config.train.batch_size;
    }
  }
  if (run.is_control() && config.canaries.control_moves >= 0 && config.canaries.batch_position >= 0) {
    // A batch-position control: the same image moved to the same slot, without the feature.
    const auto order = order_with_moved_example(training.size(), config.canaries.control_moves,
                                                config.canaries.batch_position * config.train.batch_size);
    training.set_order(at::tensor(order, at::kLong));
    record.attributes[schema::kControlMoves] = config.canaries.control_moves;
    record.attributes["canary_training_position"] = config.canaries.batch_position * config.train.batch_size;
  }
  record.attributes[schema::kCanaryLabel] = state->canary_label;

  // Every draw of the run comes from its own generator seeded by train.seed alone, so a
  // canary and its control share initialisation and batch order. Initialisation happens on
  // the CPU whatever the device, so a GPU run starts from the same weights as a CPU run.
  state->generator = at::make_generator<at::CPUGeneratorImpl>(config.train.seed);
  state->shape = InputShape{data.dataset.channels(), data.dataset.height(), data.dataset.width(),
                            data.dataset.num_classes};
  state->model = create_model(config.model, state->shape);
  initialise_keras_defaults(*state->model, state->generator);
  if (!data.on_device.device.is_cpu()) state->model->to(data.on_device.device);
  record.attributes["parameter_count"] = parameter_count(*state->model);
  state->model->set_generator(state->generator);
  state->keep_checkpoints = run.is_control() ? run.compute_influence : run.influence_after;
  return state;
}

// Called after each epoch the run trains, while its model holds that epoch's weights.
EpochCallback epoch_callback(RunInProgress& state, const RunProgress& progress) {
  return [&state, progress](const TrainingHistory& so_far) {
    const ExperimentConfig& config = state.run->config;
    if (state.keep_checkpoints) state.checkpoints.push_back(capture_checkpoint(*state.model, so_far.epochs_run()));
    // Evaluation mode draws nothing from the generator, so scoring every epoch leaves the
    // training trajectory unchanged.
    if (config.evaluation.per_epoch) {
      const ProbeProbabilities probes =
          run_probes(*state.model, state.probes.draws.front(), config.evaluation.batch_size);
      const ProbeOutputs outputs = outputs_of(probes);
      state.per_epoch.push_back(score_with_all(ScoringContext(outputs, state.canary_label), /*probes_only=*/true));
    }
    if (progress) progress(*state.run, so_far);
  };
}

// Everything after training: history, test accuracy, scores, influence, exposure, probes
// and weights. Scoring runs on the CPU whatever the training device (its fast paths, the
// candidate scores and self-influence, are written for it), from the CPU tensors.
RunRecord finish_run(RunInProgress& state, const TrainingHistory& history, double train_seconds,
                     const ExperimentData& data) {
  const PlannedRun& run = *state.run;
  const ExperimentConfig& config = run.config;
  RunRecord& record = state.record;
  const RunProbes& probes = state.probes;
  const std::int64_t canary_label = state.canary_label;
  if (!data.on_device.device.is_cpu()) state.model->to(at::kCPU);
  Classifier& model = *state.model;
  record.attributes["train_seconds"] = train_seconds;
  record.attributes["stopped_early"] = static_cast<std::int64_t>(history.stopped_early ? 1 : 0);
  add_history(record, history);

  const auto evaluation_start = Clock::now();
  // Every registered scorer on the kept model (scoring/scorer_registry.h).
  const ProbeProbabilities probe_outputs = run_probes(model, probes.draws.front(), config.evaluation.batch_size);
  const ProbeOutputs outputs = outputs_of(probe_outputs);
  ScoringContext context(outputs, canary_label);
  context.model = &model;
  context.test_images = &data.test_images;
  context.test_labels = &data.dataset.test.labels;
  for (auto& [path, array] : score_with_all(context)) record.arrays[path] = std::move(array);
  const MemorisationScores& scores = context.memorisation();
  // scores/M stays draw 0 (the authors' draw when D = 1); every draw goes to M_draws.
  if (config.evaluation.patch_draws > 1) {
    add_m_draws(record, schema::kScoreMDraws, m_per_draw(model, probes, config.evaluation.batch_size, scores),
                canary_label);
  }
  for (auto& [path, array] : stack_per_epoch(state.per_epoch)) record.arrays[path] = std::move(array);
  record.attributes["evaluation_seconds"] = seconds_since(evaluation_start);
  if (state.keep_checkpoints) {
    add_influence(record, model, state.checkpoints, history, data, config, run.canary_index,
                  state.stamped_normalised);
    state.checkpoints.clear();
  }

  std::shared_ptr<Classifier> control_model;
  if (!run.is_control() && state.control != nullptr && needs_control_record(run)) {
    control_model = model_from_record(*state.control, config, state.shape, "canaries.controls");
    // The control scored with this canary's feature and patch draws: the paired comparison
    // stays exact when features or patches differ between canaries.
    const MemorisationScores control_scores =
        score_model(*control_model, probes.draws.front(), config.evaluation.batch_size);
    record.arrays[schema::kScoreMControl] =
        ArrayData::scalar(control_scores.per_label.at(static_cast<std::size_t>(canary_label)).m);
    if (config.evaluation.patch_draws > 1) {
      add_m_draws(record, schema::kScoreMDrawsControl,
                  m_per_draw(*control_model, probes, config.evaluation.batch_size, control_scores), canary_label);
    }
  }
  if (config.evaluation.exposure && !run.is_control()) {
    const auto exposure_start = Clock::now();
    const std::int64_t pair = std::max<std::int64_t>(config.canaries.pair, 0);
    std::vector<Pattern> patterns{probes.feature};
    for (auto& candidate : candidate_patterns(config.evaluation.candidate_space, config.evaluation.candidates,
                                              config.evaluation.candidate_list, probes.feature,
                                              config.evaluation.candidate_seed, pair)) {
      patterns.push_back(std::move(candidate));
    }
    const StampSpec stamp{config.feature.offset, data.dataset.normalisation, config.ood.normalise};
    const CandidateScores own = score_candidates(model, data.ood.images, data.ood.labels, canary_label, patterns,
                                                 stamp, config.evaluation.candidate_probe_limit);
    record.attributes["exposure_fast_path"] = static_cast<std::int64_t>(own.known_means.fast ? 1 : 0);
    record.arrays[schema::kExposureCandidates] = int_scalar(static_cast<std::int64_t>(patterns.size() - 1));
    record.arrays[schema::kExposureImages] = int_scalar(own.known_images);
    record.arrays[schema::kExposureUnknownImages] = int_scalar(own.unknown_images);
    add_rank(record, schema::kExposure, rank_first(own.known));
    add_rank(record, schema::kExposureUnknown, rank_first(own.unknown));
    record.arrays[schema::kExposureUnknownLabel] = int_scalar(own.unknown_label.front());
    if (config.evaluation.save_candidate_scores) {
      record.arrays[schema::kCandidateScores] = ArrayData::vector(own.known, "candidate");
      record.arrays[schema::kCandidateScoresUnknown] = ArrayData::vector(own.unknown, "candidate");
    }
    record.attributes["exposure_seconds"] = seconds_since(exposure_start);
    if (control_model) {
      const auto control_start = Clock::now();
      const CandidateScores other = score_candidates(*control_model, data.ood.images, data.ood.labels, canary_label,
                                                     patterns, stamp, config.evaluation.candidate_probe_limit);
      // Label unknown: the control is read at the class guessed on the canary for each pattern.
      std::vector<double> control_unknown;
      for (std::size_t i = 0; i < patterns.size(); ++i) {
        control_unknown.push_back(own.unknown_images > 0
                                      ? other.unknown_means.log_prob(static_cast<std::int64_t>(i), own.unknown_label[i])
                                      : std::nan(""));
      }
      add_rank(record, schema::kExposureVsControl, rank_first(difference(own.known, other.known)));
      add_rank(record, schema::kExposureVsControlUnknown, rank_first(difference(own.unknown, control_unknown)));
      if (config.evaluation.save_candidate_scores) {
        record.arrays[schema::kCandidateScoresControl] = ArrayData::vector(other.known, "candidate");
        record.arrays[schema::kCandidateScoresUnknownControl] = ArrayData::vector(control_unknown, "candidate");
      }
      record.attributes["exposure_control_seconds"] = seconds_since(control_start);
    }
  }

  if (config.evaluation.save_probes) {
    record.arrays[schema::kProbeClean] = matrix(probe_outputs.clean, "image,class");
    record.arrays[schema::kProbeFeature] = matrix(probe_outputs.feature, "image,class");
    record.arrays[schema::kProbeRandom] = matrix(probe_outputs.random, "image,class");
    const std::int64_t* labels = probe_outputs.labels.data_ptr<std::int64_t>();
    record.arrays[schema::kProbeLabels] = ArrayData{
        {probe_outputs.labels.numel()}, "image",
        std::vector<std::int64_t>(labels, labels + probe_outputs.labels.numel())};
  }
  if (config.output.save_weights || stores_control_weights(run)) {
    // A control's canaries rebuild its model from these (with buffers: batch-norm statistics).
    save_model_state(record, model, stores_control_weights(run));
  }
  record.attributes["finished_at"] = utc_timestamp();
  return std::move(record);
}

}  // namespace

void move_to_device(ExperimentData& data, const c10::Device& device) {
  data.on_device.device = device;
  if (device.is_cpu()) return;
  data.on_device.train_images = data.train_images.to(device);
  data.on_device.train_labels = data.dataset.train.labels.to(device);
  data.on_device.test_images = data.test_images.to(device);
  data.on_device.test_labels = data.dataset.test.labels.to(device);
}

RunRecord execute_run(const PlannedRun& run, const ExperimentData& data, const RunEnvironment& environment,
                      const RunProgress& progress) {
  return execute_run(run, data, environment, progress, nullptr);
}

RunRecord execute_run(const PlannedRun& run, const ExperimentData& data, const RunEnvironment& environment,
                      const RunProgress& progress, const RunRecord* control) {
  const std::unique_ptr<RunInProgress> state = start_run(run, data, environment, control);
  const auto train_start = Clock::now();
  const TrainingHistory history =
      train_classifier(*state->model, *state->training, data.on_device.test_images, data.on_device.test_labels,
                       run.config.train, state->generator, epoch_callback(*state, progress), run.config.augmentation);
  return finish_run(*state, history, seconds_since(train_start), data);
}

std::string batch_compatibility_key(const ExperimentConfig& run_config) {
  ExperimentConfig key = run_config;
  key.train.seed = 0;
  key.canaries = CanaryOptions{};
  // What is left is the data (dataset, OOD set, feature, evaluation) and the model and
  // training settings: equal keys train on the same batches with the same architecture.
  return scientific_yaml(key);
}

std::vector<RunRecord> execute_runs_batched(const std::vector<const PlannedRun*>& runs, const ExperimentData& data,
                                            const RunEnvironment& environment, const RunProgress& progress,
                                            const std::vector<const RunRecord*>& controls) {
  UFM_CHECK(!runs.empty(), RuntimeError, "execute_runs_batched: no runs");
  UFM_CHECK(controls.empty() || controls.size() == runs.size(), RuntimeError,
            "execute_runs_batched: ", controls.size(), " control records for ", runs.size(), " runs");
  const std::string key = batch_compatibility_key(runs.front()->config);
  for (const PlannedRun* run : runs) {
    UFM_CHECK(batch_compatibility_key(run->config) == key, RuntimeError, "execute_runs_batched: run ",
              run->identity, " differs from run ", runs.front()->identity,
              " in more than seed and canary, so they cannot be trained as one batch");
  }
  auto control_of = [&](std::size_t k) { return controls.empty() ? nullptr : controls[k]; };
  if (runs.size() == 1) return {execute_run(*runs.front(), data, environment, progress, control_of(0))};
  // Each state is held by pointer: the members' epoch callbacks refer to it.
  std::vector<std::unique_ptr<RunInProgress>> states;
  std::vector<BatchMember> members;
  for (std::size_t k = 0; k < runs.size(); ++k) {
    states.push_back(start_run(*runs[k], data, environment, control_of(k)));
    states.back()->record.attributes["parallel_models"] = static_cast<std::int64_t>(runs.size());
  }
  for (auto& state : states) {
    members.push_back(BatchMember{state->model.get(), state->training.get(), state->generator,
                                  epoch_callback(*state, progress)});
  }
  const ExperimentConfig& config = runs.front()->config;
  const auto train_start = Clock::now();
  const std::vector<TrainingHistory> histories = train_classifiers_batched(
      members, data.on_device.test_images, data.on_device.test_labels, config.train, config.augmentation);
  const double train_seconds = seconds_since(train_start);
  std::vector<RunRecord> records;
  for (std::size_t k = 0; k < states.size(); ++k) {
    records.push_back(finish_run(*states[k], histories[k], train_seconds, data));
    states[k].reset();  // frees the model and its checkpoints before the next one is scored
  }
  return records;
}

}  // namespace ufm
