#pragma once
/// Exact per-example squared gradient norms ‖∇_θ ℓ(f_θ(x_i), y_i)‖², read from the model's
/// own description (models/classifier.h): one traced forward pass and one backward pass to
/// the layer outputs, then the per-example identity of each layer type (Goodfellow 2015,
/// "Efficient per-example gradient computations"; Rochette et al. 2019 for convolutions).
/// Shared by influence (TracIn self-influence, influence/self_influence.h) and, in training
/// mode, by private training's clipping. per_example_gradient_norms_reference is their
/// autograd oracle.
#include <ATen/Tensor.h>

#include <array>
#include <cstdint>

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

/// One layer's share: per-example squared norms of its weight (if `weight`) and bias (if
/// `bias`) gradients from its inputs and the gradients of the loss with respect to its
/// outputs, float64 [N]. Linear: input [N, in], output_grad [N, out].
at::Tensor linear_gradient_norms(const at::Tensor& input, const at::Tensor& output_grad, bool weight, bool bias);

struct ConvGeometry {
  std::array<std::int64_t, 2> kernel{1, 1}, padding{0, 0}, stride{1, 1}, dilation{1, 1};
};

/// Conv2d (groups = 1): input [N, C, H, W], output_grad [N, C_out, H', W'].
at::Tensor conv2d_gradient_norms(const at::Tensor& input, const at::Tensor& output_grad, const ConvGeometry& geometry,
                                 ConvNormMethod method, bool weight, bool bias);

/// ‖∇_θ ℓ(x_i, y_i)‖² over every trainable parameter for each example of one batch:
/// float64 [B]. images: normalised float32 [B, C, H, W]; labels: int64 [B]. Throws
/// RuntimeError when the model has trainable parameters outside its traced layers (their
/// gradient would be missed) or a layer this code has no identity for.
at::Tensor per_example_gradient_norms(Classifier& model, const at::Tensor& images, const at::Tensor& labels,
                                      ConvNormMethod conv_method = ConvNormMethod::kAuto);

/// Throws RuntimeError (naming `caller`) unless images is [N, C, H, W] and labels [N].
void check_example_batch(const at::Tensor& images, const at::Tensor& labels, const char* caller);

/// ‖∇_θ ℓ(x_i, y_i)‖² by one autograd backward pass per example, summing the squares of
/// every trainable parameter's gradient in float64, in evaluation mode. Slow; the oracle
/// of the tests.
at::Tensor per_example_gradient_norms_reference(Classifier& model, const at::Tensor& images, const at::Tensor& labels);

}  // namespace ufm
