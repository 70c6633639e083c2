#pragma once
/// TracIn self-influence (science.md, "Influence"; Pruthi et al. 2020, as used by Hartley &
/// Tsaftaris 2022, Sec. 4.3): SI(j) = Σ_{t∈C} ‖∇_θ ℓ(f_{θ_t}(x_j), y_j)‖² over every
/// trainable parameter θ, ℓ the cross-entropy of one example (natural log), C a set of
/// checkpoints, with no learning-rate factor (as the authors). Plus the hardness measure
/// (top-1 confidence) and selection of canaries by either.
///
/// The fast path computes each example's squared gradient norm exactly from one batched
/// forward pass and one backward pass to the layer outputs, with the per-example identities
/// of each layer type (self_influence.cpp); self_influence_reference does one autograd
/// backward per example and is the oracle of the tests.
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

namespace ufm {

/// How the per-example weight-gradient norm of a convolution is computed. Both are exact.
/// With A_i = unfold(x_i) [K = C_in·kh·kw, P positions] and G_i = ∂ℓ_i/∂output [C_out, P]
/// the per-example kernel gradient is G_i A_iᵀ; its squared Frobenius norm is
///   direct: ‖G_i A_iᵀ‖²_F, a batched matmul, ~C_out·K·P multiply-adds per example;
///   gram:   Σ_{p,q} (a_p·a_q)(g_p·g_q) = ⟨A_iᵀA_i, G_iᵀG_i⟩, ~P²·(K + C_out) per example.
/// kAuto takes the cheaper by that count: gram only pays when P is small against
/// C_out·K/(K + C_out) — late, small feature maps with many channels; for cnn1 and cnn2
/// on 28×28 or 32×32 images direct is cheaper at every conv (e.g. cnn2's last conv:
/// 64·576·256 ≈ 9.4 M against 256²·640 ≈ 42 M).
enum class ConvNormMethod { kAuto, kDirect, kGram };

/// ‖∇_θ ℓ(x_i, y_i)‖² over every trainable parameter for each example of one batch:
/// float64 [B]. images: normalised float32 [B, C, H, W]; labels: int64 [B]. Throws
/// RuntimeError when the model has trainable parameters outside its traced layers (their
/// gradient would be missed) or a layer this code has no identity for.
at::Tensor per_example_gradient_norms(Classifier& model, const at::Tensor& images, const at::Tensor& labels,
                                      ConvNormMethod conv_method = ConvNormMethod::kAuto);

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
