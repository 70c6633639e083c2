#pragma once
/// The three OOD probes (clean, unique feature, random patch), built once per experiment
/// and run through each model.
#include <ATen/Tensor.h>

#include "data/image_dataset.h"
#include "evaluation/scores.h"
#include "features/pattern.h"
#include "models/classifier.h"

namespace ufm {

/// Normalised model inputs for the three probes, shared by every model of an experiment.
struct ProbeInputs {
  at::Tensor clean;    ///< [N, C, H, W]
  at::Tensor feature;  ///< same images with the unique feature
  at::Tensor random;   ///< same images with patch i on image i
  at::Tensor labels;   ///< int64 [N] OOD labels
};

/// Builds the probes: injection on [0,1] images, then normalisation with the
/// in-distribution constants (unless `normalise` is false: the authors' one-channel bug).
ProbeInputs make_probe_inputs(const ImageSplit& ood, const Pattern& feature,
                              const std::vector<Pattern>& patches, int offset,
                              const Normalisation& normalisation, bool normalise);

/// Softmax outputs [N, K] (float32, contiguous) of each probe.
struct ProbeProbabilities {
  at::Tensor clean;
  at::Tensor feature;
  at::Tensor random;
  at::Tensor labels;
};

/// Runs the model in evaluation mode without gradients.
ProbeProbabilities run_probes(Classifier& model, const ProbeInputs& inputs, std::int64_t batch_size);

/// Softmax outputs of `model` on `images` in batches.
at::Tensor predict_probabilities(Classifier& model, const at::Tensor& images, std::int64_t batch_size);

/// Views of the probe outputs for the score functions (evaluation/scores.h).
ProbeOutputs outputs_of(const ProbeProbabilities& probes);

/// The authors' scores of `model` on `inputs` (the softmax kept in `keep` when given).
MemorisationScores score_model(Classifier& model, const ProbeInputs& inputs, std::int64_t batch_size,
                               ProbeProbabilities* keep = nullptr);

/// M for every label (rows: patch draws) of one model: draw 0 is `draw0`, draw d ≥ 1 runs
/// `draws[d]` (only the random probe differs between draws).
std::vector<std::vector<LabelKnownScore>> m_per_draw(Classifier& model, const std::vector<ProbeInputs>& draws,
                                                     std::int64_t batch_size, const MemorisationScores& draw0);

}  // namespace ufm
