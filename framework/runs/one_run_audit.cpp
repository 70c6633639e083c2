#include "runs/one_run_audit.h"

#include <ATen/ATen.h>

#include <cmath>
#include <map>

#include "audit/one_run_audit.h"
#include "core/stopwatch.h"
#include "evaluation/candidate_scores.h"
#include "features/inject.h"
#include "features/one_run_draw.h"
#include "runs/record_arrays.h"
#include "storage/schema.h"

namespace ufm {

namespace {

// The images by canaries.seed, the coins by train.seed: a seed sweep repeats the audit with
// new coins (and new training randomness) on the same canaries.
OneRunDraw draw_for(const ExperimentConfig& config, const ExperimentData& data) {
  return draw_one_run(config.feature, config.canaries.count, config.canaries.seed, config.train.seed,
                      data.dataset.train.labels.size(0));
}

ArrayData int_vector(const std::vector<std::int64_t>& values) {
  return ArrayData{{static_cast<std::int64_t>(values.size())}, "canary", values};
}

}  // namespace

void stamp_one_run(RunState& state) {
  const ExperimentConfig& config = state.run->config;
  const ExperimentData& data = *state.data;
  const OneRunDraw draw = draw_for(config, data);
  std::vector<std::int64_t> stamped_indices;
  std::vector<at::Tensor> stamped_images;
  std::vector<std::int64_t> labels, coins;
  for (std::size_t j = 0; j < draw.images.size(); ++j) {
    const std::int64_t index = draw.images[j];
    labels.push_back(data.dataset.train.labels[index].item<std::int64_t>());
    coins.push_back(draw.stamped[j] ? 1 : 0);
    if (!draw.stamped[j] || config.canaries.null_audit) continue;
    // Stamp on [0,1] pixels, then normalise (science.md, "The unique feature").
    stamped_images.push_back(inject_feature(data.dataset.train.images[index], draw.features[j], config.feature.offset));
    stamped_indices.push_back(index);
  }
  if (!stamped_images.empty()) {
    state.training->set_stamped(stamped_indices, normalise(at::stack(stamped_images), data.dataset.normalisation));
  }
  RunRecord& record = state.record;
  record.attributes[schema::kOneRunAudit] = std::int64_t{1};
  record.attributes[schema::kOneRunNull] = static_cast<std::int64_t>(config.canaries.null_audit ? 1 : 0);
  record.attributes[schema::kOneRunStampedCount] = static_cast<std::int64_t>(stamped_indices.size());
  record.arrays[schema::kOneRunImage] = int_vector(draw.images);
  record.arrays[schema::kOneRunLabel] = int_vector(labels);
  record.arrays[schema::kOneRunStamped] = int_vector(coins);
}

void score_one_run(RunState& state) {
  const ExperimentConfig& config = state.run->config;
  const ExperimentData& data = *state.data;
  RunRecord& record = state.record;
  const Stopwatch start;
  const OneRunDraw draw = draw_for(config, data);
  const std::vector<double> labels_stored = record.arrays.at(schema::kOneRunLabel).as_doubles();
  std::vector<std::int64_t> labels(labels_stored.begin(), labels_stored.end());
  // The canaries of each label, scored together on that label's probe images.
  std::map<std::int64_t, std::vector<std::size_t>> by_label;
  for (std::size_t j = 0; j < labels.size(); ++j) by_label[labels[j]].push_back(j);
  const StampSpec stamp{config.feature.offset, data.dataset.normalisation, config.ood.normalise};
  const at::Tensor& ood_labels = data.ood.labels;
  std::vector<double> scores(labels.size(), std::nan(""));
  for (const auto& [label, canaries] : by_label) {
    at::Tensor probes = data.ood.images.index_select(0, at::nonzero(ood_labels == label).flatten());
    const std::int64_t limit = config.evaluation.candidate_probe_limit;
    if (limit > 0 && probes.size(0) > limit) probes = probes.narrow(0, 0, limit);
    if (probes.size(0) == 0) continue;  // no probe of this label: those canaries stay NaN
    std::vector<Pattern> patterns;
    for (std::size_t j : canaries) patterns.push_back(draw.features[j]);
    const CandidateMeans means = candidate_means(*state.model, probes, patterns, stamp);
    for (std::size_t i = 0; i < canaries.size(); ++i) {
      scores[canaries[i]] = means.log_prob(static_cast<std::int64_t>(i), label);
    }
  }
  const std::vector<double> standardised = standardise_per_label(scores, labels);
  const std::vector<bool>& stamped = draw.stamped;
  const double delta = config.privacy.delta;
  const OneRunGuesses guesses =
      one_run_guesses(standardised, stamped, config.canaries.resolved_guess_stamped(),
                      config.canaries.resolved_guess_not_stamped(), delta);
  record.arrays[schema::kOneRunScore] = ArrayData::vector(scores, "canary");
  record.arrays[schema::kOneRunStandardised] = ArrayData::vector(standardised, "canary");
  record.attributes[schema::kOneRunGuesses] = guesses.guesses;
  record.attributes[schema::kOneRunGuessStamped] = config.canaries.resolved_guess_stamped();
  record.attributes[schema::kOneRunCorrect] = guesses.correct;
  record.attributes[schema::kOneRunPValue] = guesses.p_value;
  record.attributes[schema::kOneRunEpsilonLower] = guesses.epsilon_lower;
  record.attributes[schema::kOneRunDelta] = delta;
  record.attributes[schema::kOneRunSecondsAttribute] =
      start.seconds();
}

}  // namespace ufm
