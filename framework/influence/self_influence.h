#pragma once
/// TracIn self-influence (science.md, "Influence"; Pruthi et al. 2020, as used by Hartley &
/// Tsaftaris 2022, Sec. 4.3): SI(j) = Σ_{t∈C} ‖∇_θ ℓ(f_{θ_t}(x_j), y_j)‖² over every
/// trainable parameter θ, ℓ the cross-entropy of one example (natural log), C a set of
/// checkpoints, with no learning-rate factor (as the authors). Plus the hardness measure
/// (top-1 confidence) and selection of canaries by either.
///
/// Each example's squared gradient norm comes exactly from models/per_example_norms.h (one
/// batched forward pass and one backward pass to the layer outputs);
/// self_influence_reference does one autograd backward per example and is the oracle of
/// the tests.
///
/// Models are always evaluated in evaluation mode (restored afterwards): dropout off and
/// batch norm on its running statistics. TracIn scores a fixed checkpoint as a function of
/// one example; in training mode batch norm normalises with the statistics of the batch,
/// which couples the examples of a batch, so one example's gradient would depend on which
/// other examples shared its batch and is not defined on its own.
#include <ATen/Tensor.h>

#include <cstdint>
#include <vector>

#include "influence/checkpoints.h"
#include "influence/selection.h"
#include "models/classifier.h"
#include "models/per_example_norms.h"

namespace ufm {

/// Self-influence of every example at the model's current weights: float64 [N], computed
/// `batch_size` examples at a time (the result does not depend on batch_size).
at::Tensor self_influence(Classifier& model, const at::Tensor& images, const at::Tensor& labels,
                          std::int64_t batch_size, ConvNormMethod conv_method = ConvNormMethod::kAuto);

/// Σ over `checkpoints` of self_influence: float64 [N]. The model's own weights are
/// restored afterwards. Throws RuntimeError without checkpoints.
at::Tensor self_influence_over_checkpoints(Classifier& model, const std::vector<Checkpoint>& checkpoints,
                                           const at::Tensor& images, const at::Tensor& labels,
                                           std::int64_t batch_size);

/// The same quantity as self_influence by one autograd backward pass per example, summing
/// the squares of every trainable parameter's gradient in float64. Slow; the test oracle.
at::Tensor self_influence_reference(Classifier& model, const at::Tensor& images, const at::Tensor& labels);

/// Top-1 confidence max_k softmax(f(x_i))_k of every example in evaluation mode: float64 [N]
/// (science.md: low confidence = hard).
at::Tensor top1_confidence(Classifier& model, const at::Tensor& images, std::int64_t batch_size);

/// A float64 [N] tensor as a vector.
std::vector<double> to_vector(const at::Tensor& values);

}  // namespace ufm
