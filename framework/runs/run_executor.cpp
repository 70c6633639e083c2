#include "runs/run_executor.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <chrono>

#include "core/error.h"
#include "core/runtime_info.h"
#include "core/text.h"
#include "data/dataset_registry.h"
#include "data/ood_adapter.h"
#include "evaluation/scores.h"
#include "features/canary_selection.h"
#include "features/inject.h"
#include "influence/checkpoints.h"
#include "influence/self_influence.h"
#include "models/init.h"
#include "models/model_registry.h"
#include "storage/schema.h"

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

RunRecord execute_run(const PlannedRun& run, const ExperimentData& data, const RunEnvironment& environment,
                      const RunProgress& progress) {
  const ExperimentConfig& config = run.config;
  RunRecord record;
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

  if (!run.selection_group.empty()) record.attributes[schema::kSelectionGroup] = run.selection_group;
  if (run.rank_before >= 0) record.attributes[schema::kSelfInfluenceRankBefore] = run.rank_before;

  TrainingView training(data.train_images, data.dataset.train.labels);
  std::int64_t canary_label = -1;
  at::Tensor stamped_normalised;
  if (!run.is_control()) {
    canary_label = data.dataset.train.labels[run.canary_index].item<std::int64_t>();
    // Stamp on [0,1] pixels, then normalise (science.md, "The unique feature").
    const at::Tensor stamped =
        inject_feature(data.dataset.train.images[run.canary_index], data.feature, config.feature.offset);
    stamped_normalised = normalise(stamped, data.dataset.normalisation);
    training.set_canary(run.canary_index, stamped_normalised);
    if (config.canaries.batch_position >= 0) {
      const auto order = order_with_moved_example(training.size(), run.canary_index,
                                                  config.canaries.batch_position * config.train.batch_size);
      training.set_order(at::tensor(order, at::kLong));
      record.attributes["canary_training_position"] = config.canaries.batch_position * config.train.batch_size;
    }
  }
  record.attributes[schema::kCanaryLabel] = canary_label;

  // Every draw of the run comes from its own generator seeded by train.seed alone, so a
  // canary and its control share initialisation and batch order.
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(config.train.seed);
  const InputShape shape{data.dataset.channels(), data.dataset.height(), data.dataset.width(),
                         data.dataset.num_classes};
  std::shared_ptr<Classifier> model = create_model(config.model, shape);
  initialise_keras_defaults(*model, generator);
  record.attributes["parameter_count"] = parameter_count(*model);

  model->set_generator(generator);
  ScoresPerEpoch per_epoch;
  // TracIn needs the weights after every epoch; kept in memory only for runs that compute
  // self-influence (a reference control, or a canary with influence.rank_after).
  const bool keep_checkpoints = run.is_control() ? run.compute_influence : run.influence_after;
  std::vector<Checkpoint> checkpoints;
  const auto train_start = Clock::now();
  const TrainingHistory history = train_classifier(
      *model, training, data.test_images, data.dataset.test.labels, config.train, generator,
      [&](const TrainingHistory& so_far) {
        if (keep_checkpoints) checkpoints.push_back(capture_checkpoint(*model, so_far.epochs_run()));
        // Evaluation mode draws nothing from the generator, so scoring every epoch leaves
        // the training trajectory unchanged.
        if (config.evaluation.per_epoch) {
          per_epoch.epochs.push_back(score_model(*model, data, config.evaluation.batch_size));
        }
        if (progress) progress(run, so_far);
      },
      config.augmentation);
  record.attributes["train_seconds"] = seconds_since(train_start);
  record.attributes["stopped_early"] = static_cast<std::int64_t>(history.stopped_early ? 1 : 0);
  add_history(record, history);

  const auto evaluation_start = Clock::now();
  const EvaluationResult test = evaluate(*model, data.test_images, data.dataset.test.labels);
  record.arrays[schema::kTestAccuracy] = ArrayData::scalar(test.accuracy);
  ProbeProbabilities probes;
  add_scores(record, score_model(*model, data, config.evaluation.batch_size, &probes), canary_label);
  per_epoch.add_to(record, canary_label);
  record.attributes["evaluation_seconds"] = seconds_since(evaluation_start);
  if (keep_checkpoints) {
    add_influence(record, *model, checkpoints, history, data, config, run.canary_index, stamped_normalised);
    checkpoints.clear();
  }

  if (config.evaluation.save_probes) {
    record.arrays[schema::kProbeClean] = matrix(probes.clean, "image,class");
    record.arrays[schema::kProbeFeature] = matrix(probes.feature, "image,class");
    record.arrays[schema::kProbeRandom] = matrix(probes.random, "image,class");
    const std::int64_t* labels = probes.labels.data_ptr<std::int64_t>();
    record.arrays[schema::kProbeLabels] =
        ArrayData{{probes.labels.numel()}, "image", std::vector<std::int64_t>(labels, labels + probes.labels.numel())};
  }
  if (config.output.save_weights) {
    for (const auto& item : model->named_parameters()) {
      record.arrays[std::string(schema::kWeightsGroup) + "/" + item.key()] =
          matrix(item.value().detach(), weight_axes(item.key(), item.value().dim()));
    }
  }
  record.attributes["finished_at"] = utc_timestamp();
  return record;
}

}  // namespace ufm
