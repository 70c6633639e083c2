#include "runs/unlearning_stage.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <map>
#include <mutex>
#include <string>

#include "core/error.h"
#include "core/stopwatch.h"
#include "evaluation/exposure.h"
#include "features/pattern.h"
#include "models/init.h"
#include "models/model_registry.h"
#include "runs/record_arrays.h"
#include "runs/run_probes.h"
#include "scoring/exposure_scorer.h"
#include "storage/schema.h"
#include "training/trainer.h"

namespace ufm {
namespace {

double scalar_of(const RunRecord& record, const std::string& path) { return record.array(path).as_doubles().at(0); }

// Mean cross-entropy and accuracy of `model` on the forget set, in evaluation mode.
void record_forget_fit(RunRecord& record, Classifier& model, const ForgetSet& forget, const std::string& prefix) {
  const EvaluationResult fit = evaluate(model, forget.images, forget.labels);
  record.arrays[prefix + schema::kForgetLoss] = ArrayData::scalar(fit.loss);
  record.arrays[prefix + schema::kForgetAccuracy] = ArrayData::scalar(fit.accuracy);
}

// The model's parameters as a fresh draw of its initialiser, on its own stream of the seed.
std::vector<at::Tensor> fresh_initialisation(const ExperimentConfig& config, const InputShape& shape,
                                             const c10::Device& device) {
  std::shared_ptr<Classifier> fresh = create_model(config.model, shape);
  at::Generator generator =
      at::make_generator<at::CPUGeneratorImpl>(stream_seed(config.train.seed, StreamPurpose::kUnlearning, 1));
  initialise_keras_defaults(*fresh, generator);
  std::vector<at::Tensor> parameters;
  for (const auto& p : fresh->parameters()) parameters.push_back(p.detach().to(device));
  return parameters;
}

// A reference model's M and candidate scores for one canary's probes and patterns. The
// trained canary, its control and the retrained reference are the same models for every
// unlearning variant of the pair, so they are scored once per process, not once per variant.
struct ReferenceScores {
  double m = 0.0;
  std::vector<double> candidates;
};

class ReferenceScoreCache {
 public:
  template <typename Compute>
  ReferenceScores get(const std::string& key, Compute compute) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      const auto found = scores_.find(key);
      if (found != scores_.end()) return found->second;
    }
    ReferenceScores computed = compute();
    std::lock_guard<std::mutex> lock(mutex_);
    return scores_.emplace(key, std::move(computed)).first->second;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, ReferenceScores> scores_;
};

ReferenceScoreCache& reference_score_cache() {
  static ReferenceScoreCache cache;
  return cache;
}

// What a model's scores for this run depend on besides the model: the probes and patterns
// (the pair's feature, patch draws and candidates) and the canary's label.
std::string scoring_key(RunState& state, const std::string& model_identity) {
  const ExperimentConfig& config = state.run->config;
  std::string key = model_identity + "|" + std::to_string(state.canary_label) + "|" +
                    std::to_string(config.canaries.pair) + "|" + std::to_string(config.evaluation.patch_seed);
  for (const Pattern& pattern : exposure_patterns(state)) key += "|" + pattern.to_string();
  return key;
}

}  // namespace

ForgetSet forget_set_of(const TrainingView& training, const std::vector<std::int64_t>& indices) {
  ForgetSet forget;
  forget.indices = indices;
  std::vector<at::Tensor> images, labels;
  for (std::int64_t index : indices) {
    UFM_CHECK(index >= 0 && index < training.size(), ConfigError, "unlearning.forget_index: index ", index,
              " is outside the training set of ", training.size(), " images");
    auto [image, label] = training.batch(at::Tensor(), index, index + 1);
    images.push_back(image);
    labels.push_back(label);
  }
  forget.images = at::cat(images);
  forget.labels = at::cat(labels);
  return forget;
}

void copy_training_history(const RunRecord& source, RunRecord& record) {
  const std::string history_group = std::string(schema::kHistoryGroup) + "/";
  for (const auto& [path, array] : source.arrays) {
    if (path.compare(0, history_group.size(), history_group) == 0 || path == schema::kBestEpoch ||
        path == schema::kEpochsRun) {
      record.arrays[path] = array;
    }
  }
  for (const char* name : {schema::kTrainSecondsAttribute, schema::kStoppedEarlyAttribute}) {
    const auto found = source.attributes.find(name);
    if (found != source.attributes.end()) record.attributes[name] = found->second;
  }
}

void unlearn_run(RunState& state) {
  const PlannedRun& run = *state.run;
  if (!run.unlearns()) return;
  UFM_CHECK(state.source != nullptr, RuntimeError, "unlearn: run ", run.identity, " has no source model");
  const ExperimentConfig& config = run.config;
  const ExperimentData& data = *state.data;
  RunRecord& record = state.record;
  Classifier& model = *state.model;
  const c10::Device device = data.on_device.device;
  // The source model's scores, as it was trained (the "after a post-train stage" convention:
  // before/<path> beside <path>).
  const std::string scores_group = std::string(schema::kScoresGroup) + "/";
  for (const auto& [path, array] : state.source->arrays) {
    if (path.compare(0, scores_group.size(), scores_group) == 0) record.arrays[schema::before_unlearning(path)] = array;
  }
  // Training reads the view on the execution device; scoring moved the model to the CPU.
  if (!device.is_cpu()) model.to(device);
  const ForgetSet forget = forget_set_of(*state.training, config.unlearning.forget_set());
  record_forget_fit(record, model, forget, schema::kBeforePrefix);
  if (!run.is_control() && state.never_seen != nullptr) {
    if (!device.is_cpu()) model.to(at::kCPU);
    state.exposure_scores_before =
        reference_score_cache()
            .get(scoring_key(state, run.unlearned_from),
                 [&] { return ReferenceScores{0.0, known_candidate_scores(state, model)}; })
            .candidates;
    if (!device.is_cpu()) model.to(device);
  }

  UnlearningContext context;
  context.model = &model;
  context.training = state.training.get();
  context.forget = forget;
  context.validation_images = data.on_device.test_images;
  context.validation_labels = data.on_device.test_labels;
  context.train = config.train;
  context.options = config.unlearning;
  context.initial_parameters = state.initial_parameters;
  context.draw_initialisation = [&config, &state, device] {
    return fresh_initialisation(config, state.shape, device);
  };
  // The method's draws (batch order, dropout) come from its own stream of the seed: a canary
  // and its control are unlearned with the same draws, as they were trained with the same.
  context.generator =
      at::make_generator<at::CPUGeneratorImpl>(stream_seed(config.train.seed, StreamPurpose::kUnlearning, 0));
  model.set_generator(context.generator);
  const Stopwatch start;
  unlearning_registry().create(config.unlearning.method)->unlearn(context);
  record.attributes[schema::kUnlearningSecondsAttribute] =
      start.seconds();
  record_forget_fit(record, model, forget, "");
  model.eval();
  if (!device.is_cpu()) model.to(at::kCPU);
}

void compare_with_references(RunState& state) {
  const PlannedRun& run = *state.run;
  if (!run.unlearns() || run.is_control()) return;
  UFM_CHECK(state.never_seen != nullptr, ConfigError, "unlearning.method: reference (b), the trained control ",
            run.never_seen_identity, " of canary ", run.canary_index, ", is not stored");
  const ExperimentConfig& config = run.config;
  RunRecord& record = state.record;
  const std::int64_t label = state.canary_label;
  auto m_of = [&](Classifier& model) {
    return score_model(model, state.probes.draws.front(), config.evaluation.batch_size)
        .per_label.at(static_cast<std::size_t>(label))
        .m;
  };
  // Reference r's M and exposure, after (the unlearned model) and before (the source model).
  auto compare = [&](const char* reference, const RunRecord& stored, const std::string& setting) {
    const ReferenceScores cached = reference_score_cache().get(scoring_key(state, stored.identity), [&] {
      std::shared_ptr<Classifier> model = model_from_record(stored, config, state.shape, setting);
      return ReferenceScores{m_of(*model), known_candidate_scores(state, *model)};
    });
    const double m = cached.m;
    const std::vector<double>& scores = cached.candidates;
    record.arrays[schema::reference_path(reference, schema::kReferenceM)] = ArrayData::scalar(m);
    record.arrays[schema::before_unlearning(schema::reference_path(reference, schema::kReferenceM))] = ArrayData::scalar(m);
    add_exposure_rank(record.arrays, schema::reference_path(reference, schema::kReferenceExposure),
             rank_first(difference(state.exposure_scores, scores)));
    add_exposure_rank(record.arrays, schema::before_unlearning(schema::reference_path(reference, schema::kReferenceExposure)),
             rank_first(difference(state.exposure_scores_before, scores)));
  };
  compare(schema::kReferenceNeverSeen, *state.never_seen, "unlearning.method (reference (b))");
  if (state.retrained != nullptr) compare(schema::kReferenceRetrained, *state.retrained, "unlearning.retrain_reference");
  // (c): after, the unlearned control (this run's control, scored by the control and exposure
  // stages); before unlearning that control was reference (b).
  const std::string same_m = schema::reference_path(schema::kReferenceSameProcedure, schema::kReferenceM);
  const std::string same_exposure = schema::reference_path(schema::kReferenceSameProcedure, schema::kReferenceExposure);
  const std::string seen_exposure = schema::reference_path(schema::kReferenceNeverSeen, schema::kReferenceExposure);
  record.arrays[same_m] = ArrayData::scalar(scalar_of(record, schema::kScoreMControl));
  record.arrays[schema::before_unlearning(same_m)] = record.arrays.at(schema::before_unlearning(schema::reference_path(schema::kReferenceNeverSeen, schema::kReferenceM)));
  for (const char* suffix : {"", schema::kExposureRankSuffix, schema::kExposurePSuffix}) {
    record.arrays[same_exposure + suffix] = record.arrays.at(std::string(schema::kExposureVsControl) + suffix);
    record.arrays[schema::before_unlearning(same_exposure) + suffix] = record.arrays.at(schema::before_unlearning(seen_exposure) + suffix);
  }
}

}  // namespace ufm
