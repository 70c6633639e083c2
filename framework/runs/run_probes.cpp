#include "runs/run_probes.h"

#include <ATen/ATen.h>

#include <algorithm>

#include "data/image_dataset.h"
#include "features/inject.h"
#include "models/classifier.h"

namespace ufm {

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
                               ProbeProbabilities* keep) {
  ProbeProbabilities probes = run_probes(model, inputs, batch_size);
  MemorisationScores scores = memorisation_scores(outputs_of(probes));
  if (keep) *keep = std::move(probes);
  return scores;
}

namespace {

// The pair key that selects a run's patch draws: its own under independent pairing, 0 (the
// experiment's one draw shared by every model) under the authors' shared protocol.
std::int64_t patch_key(const ExperimentConfig& config) {
  return config.canaries.independent_pairs() ? std::max<std::int64_t>(config.canaries.pair, 0) : 0;
}

}  // namespace

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


}  // namespace ufm
