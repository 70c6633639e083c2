#include "evaluation/probes.h"

#include "models/eval_mode.h"

#include <ATen/ATen.h>

#include "features/inject.h"

namespace ufm {

ProbeInputs make_probe_inputs(const ImageSplit& ood, const Pattern& feature, const std::vector<Pattern>& patches,
                              int offset, const Normalisation& normalisation, bool normalise_images) {
  // Injection happens on [0,1] pixels, normalisation afterwards (science.md). The
  // normalisation constants are the in-distribution ones: the model's own input scale.
  auto prepare = [&](const at::Tensor& images) {
    return normalise_images ? normalise(images, normalisation) : images.contiguous();
  };
  ProbeInputs inputs;
  inputs.clean = prepare(ood.images);
  inputs.feature = prepare(inject_feature(ood.images, feature, offset));
  inputs.random = prepare(inject_patches(ood.images, patches, offset));
  inputs.labels = ood.labels;
  return inputs;
}

at::Tensor predict_probabilities(Classifier& model, const at::Tensor& images, std::int64_t batch_size) {
  at::NoGradGuard no_grad;
  EvalModeGuard eval_mode(model);
  // The model may live on a GPU (per-epoch scores while training there): each batch goes
  // to its device and the probabilities come back to the CPU. On the CPU both are no-ops.
  const auto parameters = model.parameters();
  const at::Device device = parameters.empty() ? at::Device(at::kCPU) : parameters.front().device();
  std::vector<at::Tensor> parts;
  for (std::int64_t begin = 0; begin < images.size(0); begin += batch_size) {
    const std::int64_t count = std::min(batch_size, images.size(0) - begin);
    parts.push_back(at::softmax(model.forward(images.narrow(0, begin, count).to(device)), 1).to(at::kCPU));
  }
  return at::cat(parts, 0).to(at::kFloat).contiguous();
}

ProbeProbabilities run_probes(Classifier& model, const ProbeInputs& inputs, std::int64_t batch_size) {
  ProbeProbabilities out;
  out.clean = predict_probabilities(model, inputs.clean, batch_size);
  out.feature = predict_probabilities(model, inputs.feature, batch_size);
  out.random = predict_probabilities(model, inputs.random, batch_size);
  out.labels = inputs.labels.to(at::kLong).contiguous();
  return out;
}

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

std::vector<std::vector<LabelKnownScore>> m_per_draw(Classifier& model, const std::vector<ProbeInputs>& draws,
                                                     std::int64_t batch_size, const MemorisationScores& draw0) {
  std::vector<std::vector<LabelKnownScore>> out{draw0.per_label};
  for (std::size_t d = 1; d < draws.size(); ++d) {
    const ProbeProbabilities p = run_probes(model, draws[d], batch_size);
    const ProbeOutputs outputs = outputs_of(p);
    std::vector<LabelKnownScore> labels;
    for (std::int64_t k = 0; k < outputs.clean.cols; ++k) labels.push_back(label_known_score(outputs, k));
    out.push_back(std::move(labels));
  }
  return out;
}

}  // namespace ufm
