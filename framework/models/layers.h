#pragma once
/// Layer building blocks of the registered models: Keras' batch-norm settings, seeded
/// dropout, and a traced linear layer for hand-written test models.
#include <ATen/core/Generator.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include <cstdint>
#include <optional>
#include <vector>
#include <string>

#include "models/classifier.h"

namespace ufm {

/// linear(x), recording (x, output) as `name` (kind "linear") when `trace` is non-null.
at::Tensor apply_linear(torch::nn::Linear& layer, const std::string& name, const at::Tensor& x, LayerTrace* trace);

/// Keras' BatchNormalization defaults in LibTorch terms: Keras updates the moving
/// statistics as m ← 0.99·m + 0.01·batch, which is LibTorch's momentum 0.01; eps 1e-3.
constexpr double kKerasBatchNormMomentum = 0.01;
constexpr double kKerasBatchNormEps = 1e-3;

/// Batch norm over `features` with Keras' momentum and epsilon.
torch::nn::BatchNorm1d keras_batch_norm1d(std::int64_t features);
torch::nn::BatchNorm2d keras_batch_norm2d(std::int64_t channels);

/// The steps of a batch norm with Keras' momentum and epsilon, for Classifier::forward_steps.
ForwardStep keras_batch_norm_step(const std::string& name);
/// A dropout step, or none (an empty vector) when rate is 0.
std::vector<ForwardStep> dropout_step(double rate);

/// The dropout mask for `shape`: Bernoulli(1 − rate) drawn on the CPU from `generator`
/// (in the same order as seeded_dropout draws it), divided by 1 − rate, on `device`.
at::Tensor dropout_mask(at::IntArrayRef shape, double rate, at::Generator& generator, const c10::Device& device);

/// Inverted dropout drawing its mask from `generator`, never from the global RNG (which
/// at::dropout uses), so that a run's dropout draws follow from its seed alone.
/// Training: each element is kept with probability 1 − rate and scaled by 1/(1 − rate).
/// Evaluation, or rate 0: x unchanged. rate must lie in [0, 1); training with rate > 0
/// and no generator throws RuntimeError.
///
/// The mask is always drawn on the CPU (and moved to x's device), so the draws are the
/// same on every device and a CPU generator serves a GPU model.
at::Tensor seeded_dropout(const at::Tensor& x, double rate, bool training, std::optional<at::Generator>& generator);

}  // namespace ufm
