#include "runs/run_executor.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <chrono>
#include <memory>

#include "core/error.h"
#include "core/runtime_info.h"
#include "core/text.h"
#include "data/dataset_registry.h"
#include "data/ood_adapter.h"
#include "evaluation/scores.h"
#include "features/canary_selection.h"
#include "features/inject.h"
#include "models/init.h"
#include "models/model_registry.h"
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
  at::Tensor contiguous = values.to(at::kCPU).to(at::kFloat).contiguous();
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

// Scores after every epoch, stored with a leading "epoch" axis.
struct ScoresPerEpoch {
  std::vector<MemorisationScores> epochs;

  void add_to(RunRecord& record, std::int64_t canary_label) const {
    if (epochs.empty()) return;
    const std::string group = std::string(schema::kScoresPerEpochGroup) + "/";
    const auto count = static_cast<std::int64_t>(epochs.size());
    auto series = [&](auto get) {
      std::vector<double> values;
      for (const auto& e : epochs) values.push_back(get(e));
      return ArrayData::vector(values, "epoch");
    };
    record.arrays[group + "M2"] = series([](const MemorisationScores& e) { return e.m2; });
    record.arrays[group + "M14"] = series([](const MemorisationScores& e) { return e.m14; });
    record.arrays[group + "M15"] = series([](const MemorisationScores& e) { return e.m15; });
    auto label_scores = [&](auto get) {
      if (canary_label >= 0) {
        return series([&](const MemorisationScores& e) { return get(e.per_label.at(canary_label)); });
      }
      const auto labels = static_cast<std::int64_t>(epochs.front().per_label.size());
      std::vector<double> values;
      for (const auto& e : epochs) {
        for (const auto& l : e.per_label) values.push_back(get(l));
      }
      return ArrayData{{count, labels}, "epoch,label", values};
    };
    record.arrays[group + "M"] = label_scores([](const LabelKnownScore& l) { return l.m; });
    record.arrays[group + "M_ttest_p"] = label_scores([](const LabelKnownScore& l) { return l.ttest_p; });
    record.arrays[group + "M_mannwhitney_p"] = label_scores([](const LabelKnownScore& l) { return l.mannwhitney_p; });
  }
};

MemorisationScores score_model(Classifier& model, const ExperimentData& data, std::int64_t batch_size,
                               ProbeProbabilities* keep = nullptr) {
  ProbeProbabilities probes = run_probes(model, data.probes, batch_size);
  probes.clean = probes.clean.cpu();
  probes.feature = probes.feature.cpu();
  probes.random = probes.random.cpu();
  probes.labels = probes.labels.cpu();
  ProbeOutputs outputs;
  outputs.clean = MatrixView{probes.clean.data_ptr<float>(), probes.clean.size(0), probes.clean.size(1)};
  outputs.feature = MatrixView{probes.feature.data_ptr<float>(), probes.feature.size(0), probes.feature.size(1)};
  outputs.random = MatrixView{probes.random.data_ptr<float>(), probes.random.size(0), probes.random.size(1)};
  outputs.labels = probes.labels.data_ptr<std::int64_t>();
  MemorisationScores scores = memorisation_scores(outputs);
  if (keep) *keep = std::move(probes);
  return scores;
}

void add_scores(RunRecord& record, const MemorisationScores& scores, std::int64_t canary_label) {
  record.arrays[schema::kScoreM2] = ArrayData::scalar(scores.m2);
  if (canary_label >= 0) {
    // A canary stores M for its own label (shared/results.md, "Controls serve labels").
    const LabelKnownScore& own = scores.per_label.at(static_cast<std::size_t>(canary_label));
    record.arrays[schema::kScoreM] = ArrayData::scalar(own.m);
    record.arrays[schema::kScoreMTtestP] = ArrayData::scalar(own.ttest_p);
    record.arrays[schema::kScoreMMannWhitneyP] = ArrayData::scalar(own.mannwhitney_p);
    record.arrays[schema::kScoreMImages] = int_scalar(own.images);
  } else {
    std::vector<double> m, t, u;
    std::vector<std::int64_t> images;
    for (const auto& label : scores.per_label) {
      m.push_back(label.m);
      t.push_back(label.ttest_p);
      u.push_back(label.mannwhitney_p);
      images.push_back(label.images);
    }
    record.arrays[schema::kScoreM] = ArrayData::vector(m, "label");
    record.arrays[schema::kScoreMTtestP] = ArrayData::vector(t, "label");
    record.arrays[schema::kScoreMMannWhitneyP] = ArrayData::vector(u, "label");
    record.arrays[schema::kScoreMImages] =
        ArrayData{{static_cast<std::int64_t>(images.size())}, "label", images};
  }
  record.arrays[schema::kScoreM14] = ArrayData::scalar(scores.m14);
  record.arrays[schema::kScoreM14Label] = int_scalar(scores.m14_label);
  record.arrays[schema::kScoreM15] = ArrayData::scalar(scores.m15);
  record.arrays[schema::kScoreM15Label] = int_scalar(scores.m15_label);
  record.arrays[schema::kEntropyClean] = ArrayData::scalar(scores.entropy_clean);
  record.arrays[schema::kEntropyFeature] = ArrayData::scalar(scores.entropy_feature);
  record.arrays[schema::kEntropyRandom] = ArrayData::scalar(scores.entropy_random);
  record.arrays[schema::kKlFeatureRandom] = ArrayData::scalar(scores.kl_feature_random);
}

}  // namespace

std::string experiment_data_key(const ExperimentConfig& point) {
  ExperimentConfig key = run_config(point, -1);
  key.model = ModelOptions{};
  key.train = TrainingOptions{};
  return scientific_yaml(key);
}

ExperimentData prepare_experiment_data(const ExperimentConfig& point) {
  ExperimentData data;
  data.dataset = load_dataset(point.data);
  data.train_images = normalise(data.dataset.train.images, data.dataset.normalisation).contiguous();
  data.test_images = normalise(data.dataset.test.images, data.dataset.normalisation).contiguous();
  data.train_labels = data.dataset.train.labels;
  data.test_labels = data.dataset.test.labels;
  data.feature = resolve_pattern(point.feature);
  check_pattern_fits(data.feature, point.feature.offset, data.dataset.height(), data.dataset.width(),
                     "feature.offset");
  const ImageSplit ood =
      load_ood_images(point.ood, data.dataset.channels(), data.dataset.height(), data.dataset.width());
  data.ood_images = ood.size();
  UFM_CHECK(ood.size() > 0, ConfigError, "ood: the OOD set '", point.ood.dataset, "' has no images");
  // One random patch per OOD image, from the evaluation's own seeded stream: the same
  // draw for every model of the experiment (science.md, "Probing with OOD images").
  const auto patches =
      random_patches(ood.size(), data.feature.rows, data.feature.cols, point.evaluation.patch_seed);
  data.probes = make_probe_inputs(ood, data.feature, patches, point.feature.offset, data.dataset.normalisation,
                                  point.ood.normalise);
  return data;
}

void move_to_device(ExperimentData& data, const c10::Device& device) {
  data.device = device;
  data.train_images = data.train_images.to(device);
  data.test_images = data.test_images.to(device);
  data.train_labels = data.train_labels.to(device);
  data.test_labels = data.test_labels.to(device);
  data.probes.clean = data.probes.clean.to(device);
  data.probes.feature = data.probes.feature.to(device);
  data.probes.random = data.probes.random.to(device);
}

namespace {

// A run between set-up and record: what training needs, and the record being filled.
struct RunInProgress {
  const PlannedRun* run = nullptr;
  RunRecord record;
  std::unique_ptr<TrainingView> training;
  std::shared_ptr<Classifier> model;
  at::Generator generator;
  std::int64_t canary_label = -1;
  ScoresPerEpoch per_epoch;
};

// Everything execute_run does before training: the record's attributes, the training view
// with the run's canary, and the model initialised from the run's own generator.
RunInProgress start_run(const PlannedRun& run, const ExperimentData& data, const RunEnvironment& environment) {
  const ExperimentConfig& config = run.config;
  RunInProgress out;
  out.run = &run;
  RunRecord& record = out.record;
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
  record.attributes["feature_pattern"] = data.feature.to_string();
  record.attributes["ood_images"] = data.ood_images;
  record.attributes["ood_normalised"] = static_cast<std::int64_t>(config.ood.normalise ? 1 : 0);
  if (!run.control_identity.empty()) record.attributes[schema::kControlIdentity] = run.control_identity;
  if (run.is_control()) record.attributes[schema::kServes] = join(run.serves, ",");

  out.training = std::make_unique<TrainingView>(data.train_images, data.train_labels);
  if (!run.is_control()) {
    out.canary_label = data.dataset.train.labels[run.canary_index].item<std::int64_t>();
    // Stamp on [0,1] pixels, then normalise (science.md, "The unique feature").
    const at::Tensor stamped =
        inject_feature(data.dataset.train.images[run.canary_index], data.feature, config.feature.offset);
    out.training->set_canary(run.canary_index, normalise(stamped, data.dataset.normalisation));
    if (config.canaries.batch_position >= 0) {
      const auto order = order_with_moved_example(out.training->size(), run.canary_index,
                                                  config.canaries.batch_position * config.train.batch_size);
      out.training->set_order(at::tensor(order, at::kLong));
      record.attributes["canary_training_position"] = config.canaries.batch_position * config.train.batch_size;
    }
  }
  record.attributes[schema::kCanaryLabel] = out.canary_label;

  // Every draw of the run comes from its own generator seeded by train.seed alone, so a
  // canary and its control share initialisation and batch order. Initialisation happens
  // on the CPU whatever the device, so a GPU run starts from the same weights.
  out.generator = at::make_generator<at::CPUGeneratorImpl>(config.train.seed);
  const InputShape shape{data.dataset.channels(), data.dataset.height(), data.dataset.width(),
                         data.dataset.num_classes};
  out.model = create_model(config.model, shape);
  initialise_keras_defaults(*out.model, out.generator);
  if (!data.device.is_cpu()) out.model->to(data.device);
  record.attributes["parameter_count"] = parameter_count(*out.model);
  out.model->set_generator(out.generator);
  return out;
}

// Called after each epoch: per-epoch scores, then progress. Evaluation mode draws nothing
// from the generator, so scoring every epoch leaves the training trajectory unchanged.
EpochCallback epoch_callback(RunInProgress& state, const ExperimentData& data, const RunProgress& progress) {
  return [&state, &data, progress](const TrainingHistory& so_far) {
    const ExperimentConfig& config = state.run->config;
    if (config.evaluation.per_epoch) {
      state.per_epoch.epochs.push_back(score_model(*state.model, data, config.evaluation.batch_size));
    }
    if (progress) progress(*state.run, so_far);
  };
}

// Everything after training: history, test accuracy, scores, probes and weights.
RunRecord finish_run(RunInProgress& state, const TrainingHistory& history, double train_seconds,
                     const ExperimentData& data) {
  const ExperimentConfig& config = state.run->config;
  RunRecord& record = state.record;
  Classifier& model = *state.model;
  record.attributes["train_seconds"] = train_seconds;
  record.attributes["stopped_early"] = static_cast<std::int64_t>(history.stopped_early ? 1 : 0);
  add_history(record, history);

  const auto evaluation_start = Clock::now();
  const EvaluationResult test = evaluate(model, data.test_images, data.test_labels);
  record.arrays[schema::kTestAccuracy] = ArrayData::scalar(test.accuracy);
  ProbeProbabilities probes;
  add_scores(record, score_model(model, data, config.evaluation.batch_size, &probes), state.canary_label);
  state.per_epoch.add_to(record, state.canary_label);
  record.attributes["evaluation_seconds"] = seconds_since(evaluation_start);

  if (config.evaluation.save_probes) {
    record.arrays[schema::kProbeClean] = matrix(probes.clean, "image,class");
    record.arrays[schema::kProbeFeature] = matrix(probes.feature, "image,class");
    record.arrays[schema::kProbeRandom] = matrix(probes.random, "image,class");
    const std::int64_t* labels = probes.labels.data_ptr<std::int64_t>();
    record.arrays[schema::kProbeLabels] =
        ArrayData{{probes.labels.numel()}, "image", std::vector<std::int64_t>(labels, labels + probes.labels.numel())};
  }
  if (config.output.save_weights) {
    for (const auto& item : model.named_parameters()) {
      record.arrays[std::string(schema::kWeightsGroup) + "/" + item.key()] =
          matrix(item.value().detach(), weight_axes(item.key(), item.value().dim()));
    }
  }
  record.attributes["finished_at"] = utc_timestamp();
  return std::move(record);
}

}  // namespace

RunRecord execute_run(const PlannedRun& run, const ExperimentData& data, const RunEnvironment& environment,
                      const RunProgress& progress) {
  RunInProgress state = start_run(run, data, environment);
  state.record.attributes["parallel_models"] = std::int64_t{1};
  const auto train_start = Clock::now();
  const TrainingHistory history =
      train_classifier(*state.model, *state.training, data.test_images, data.test_labels, run.config.train,
                       state.generator, epoch_callback(state, data, progress), run.config.augmentation);
  return finish_run(state, history, seconds_since(train_start), data);
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
                                            const RunEnvironment& environment, const RunProgress& progress) {
  UFM_CHECK(!runs.empty(), RuntimeError, "execute_runs_batched: no runs");
  const std::string key = batch_compatibility_key(runs.front()->config);
  for (const PlannedRun* run : runs) {
    UFM_CHECK(batch_compatibility_key(run->config) == key, RuntimeError, "execute_runs_batched: run ",
              run->identity, " differs from run ", runs.front()->identity,
              " in more than seed and canary, so they cannot be trained as one batch");
  }
  if (runs.size() == 1) return {execute_run(*runs.front(), data, environment, progress)};
  // States live in a deque-like vector of pointers: callbacks hold references to them.
  std::vector<std::unique_ptr<RunInProgress>> states;
  std::vector<BatchMember> members;
  for (const PlannedRun* run : runs) {
    states.push_back(std::make_unique<RunInProgress>(start_run(*run, data, environment)));
    states.back()->record.attributes["parallel_models"] = static_cast<std::int64_t>(runs.size());
  }
  for (auto& state : states) {
    members.push_back(BatchMember{state->model.get(), state->training.get(), state->generator,
                                  epoch_callback(*state, data, progress)});
  }
  const ExperimentConfig& config = runs.front()->config;
  const auto train_start = Clock::now();
  const std::vector<TrainingHistory> histories =
      train_classifiers_batched(members, data.test_images, data.test_labels, config.train, config.augmentation);
  const double train_seconds = seconds_since(train_start);
  std::vector<RunRecord> records;
  for (std::size_t k = 0; k < states.size(); ++k) records.push_back(finish_run(*states[k], histories[k], train_seconds, data));
  return records;
}

}  // namespace ufm
