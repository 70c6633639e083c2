#pragma once
/// The three OOD probes (clean, unique feature, random patch), built once per experiment
/// and run through each model.
#include <ATen/Tensor.h>

#include "data/image_dataset.h"
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

}  // namespace ufm
