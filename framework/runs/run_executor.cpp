#include "runs/run_executor.h"

#include <ATen/ATen.h>

#include <memory>

#include "core/error.h"
#include "core/stopwatch.h"
#include "data/dataset_registry.h"
#include "data/ood_adapter.h"
#include "features/inject.h"
#include "features/pattern.h"
#include "runs/privacy_record.h"
#include "runs/run_stages.h"
#include "storage/schema.h"
#include "training/trainer.h"

namespace ufm {
namespace {

// The run's record once it has trained: the finish stages, in order.
RunRecord finish_run(RunState& state, const TrainingHistory& history, double train_seconds) {
  state.history = history;
  state.train_seconds = train_seconds;
  run_stages(finish_stages(), state);
  return std::move(state.record);
}

std::unique_ptr<RunState> start_run(const PlannedRun& run, const ExperimentData& data,
                                    const RunEnvironment& environment, const RunRecord* control) {
  auto state = std::make_unique<RunState>(run, data, environment, control);
  run_stages(setup_stages(), *state);
  return state;
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
         (config.feature.pattern == "random" && !config.canaries.independent_pairs());
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

namespace {

// Trains the runs' models together (one stacked computation; one run is K = 1) and
// finishes each run in order. Each state is held by pointer: the members' epoch
// callbacks refer to it.
std::vector<RunRecord> train_and_finish(std::vector<std::unique_ptr<RunState>>& states, const ExperimentData& data,
                                        const ExperimentConfig& config, const RunProgress& progress) {
  std::vector<TrainingMember> members;
  for (auto& state : states) {
    members.push_back(TrainingMember{state->model.get(), state->training.get(), state->generator,
                                     epoch_callback(*state, progress)});
  }
  const Stopwatch train_start;
  const std::vector<TrainingHistory> histories =
      train_classifiers(members, data.on_device.test_images, data.on_device.test_labels, config.train,
                        config.augmentation,
                        training_seams(config.train, resolved_privacy(config, states.front()->training->size())));
  const double train_seconds = train_start.seconds();
  std::vector<RunRecord> records;
  for (std::size_t k = 0; k < states.size(); ++k) {
    records.push_back(finish_run(*states[k], histories[k], train_seconds));
    states[k].reset();  // frees the model and its checkpoints before the next one is scored
  }
  return records;
}

}  // namespace

RunRecord execute_run(const PlannedRun& run, const ExperimentData& data, const RunEnvironment& environment,
                      const RunProgress& progress, const RunRecord* control) {
  std::vector<std::unique_ptr<RunState>> states;
  states.push_back(start_run(run, data, environment, control));
  return train_and_finish(states, data, run.config, progress).front();
}

RunRecord execute_unlearning(const PlannedRun& run, const ExperimentData& data, const RunEnvironment& environment,
                             const RunRecord* control, const UnlearningInputs& inputs) {
  UFM_CHECK(run.unlearns(), RuntimeError, "execute_unlearning: run ", run.identity, " is not an unlearned variant");
  UFM_CHECK(inputs.source != nullptr, ConfigError, "unlearning.method: the trained run ", run.unlearned_from,
            " that ", run_label(run), " unlearns is not stored (it must be trained first)");
  std::unique_ptr<RunState> state = start_run(run, data, environment, control);
  state->source = inputs.source;
  state->never_seen = inputs.never_seen;
  state->retrained = inputs.retrained;
  // The initialisation stage drew the seed's initial weights (what localized resets to);
  // the model then takes the trained weights.
  for (const auto& parameter : state->model->parameters()) state->initial_parameters.push_back(parameter.detach().clone());
  load_weights(*state->model, *inputs.source, "unlearning.method");
  return finish_run(*state, TrainingHistory{}, 0.0);
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
  std::vector<std::unique_ptr<RunState>> states;
  for (std::size_t k = 0; k < runs.size(); ++k) {
    states.push_back(start_run(*runs[k], data, environment, control_of(k)));
    states.back()->record.attributes[schema::kParallelModelsAttribute] = static_cast<std::int64_t>(runs.size());
  }
  return train_and_finish(states, data, runs.front()->config, progress);
}

}  // namespace ufm
