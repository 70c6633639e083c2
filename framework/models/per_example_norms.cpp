#include "models/per_example_norms.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "core/error.h"
#include "models/eval_mode.h"

namespace ufm {
namespace {


bool trainable(const at::Tensor& parameter) { return parameter.defined() && parameter.requires_grad(); }

at::Tensor squared_norm_per_row(const at::Tensor& x) { return x.flatten(1).square().sum(1).to(at::kDouble); }

at::Tensor linear_norms(torch::nn::LinearImpl& layer, const at::Tensor& input, const at::Tensor& grad,
                        std::vector<const void*>& covered) {
  if (trainable(layer.weight)) covered.push_back(layer.weight.unsafeGetTensorImpl());
  if (trainable(layer.bias)) covered.push_back(layer.bias.unsafeGetTensorImpl());
  return linear_gradient_norms(input, grad, trainable(layer.weight), trainable(layer.bias));
}

std::vector<std::int64_t> conv_padding(const torch::nn::Conv2dImpl& layer) {
  const auto& padding = layer.options.padding();
  if (const auto* explicit_padding = c10::get_if<torch::ExpandingArray<2>>(&padding)) {
    return {(*explicit_padding)->at(0), (*explicit_padding)->at(1)};
  }
  UFM_CHECK(c10::get_if<torch::enumtype::kValid>(&padding) != nullptr, RuntimeError,
            "per_example_gradient_norms: conv2d padding 'same' is not supported; give the padding as numbers");
  return {0, 0};
}

at::Tensor conv2d_norms(torch::nn::Conv2dImpl& layer, const at::Tensor& input, const at::Tensor& grad,
                        ConvNormMethod method, std::vector<const void*>& covered) {
  const auto& options = layer.options;
  UFM_CHECK(options.groups() == 1, RuntimeError, "per_example_gradient_norms: grouped convolutions (groups = ", options.groups(),
            ") are not supported");
  const std::vector<std::int64_t> padding = conv_padding(layer);
  ConvGeometry geometry;
  geometry.kernel = {options.kernel_size()->at(0), options.kernel_size()->at(1)};
  geometry.dilation = {options.dilation()->at(0), options.dilation()->at(1)};
  geometry.padding = {padding[0], padding[1]};
  geometry.stride = {options.stride()->at(0), options.stride()->at(1)};
  if (trainable(layer.weight)) covered.push_back(layer.weight.unsafeGetTensorImpl());
  if (trainable(layer.bias)) covered.push_back(layer.bias.unsafeGetTensorImpl());
  return conv2d_gradient_norms(input, grad, geometry, method, trainable(layer.weight), trainable(layer.bias));
}

// Batch norm in evaluation mode, y = γ·x̂ + β with x̂ = (x − running mean)/√(running var + ε)
// fixed per example, so per channel ∂ℓ/∂γ = Σ_p g_p·x̂_p and ∂ℓ/∂β = Σ_p g_p (p over the
// spatial positions; none for BatchNorm1d on [B, C]).
template <typename Norm>
at::Tensor batch_norm_norms(Norm& layer, const at::Tensor& input, const at::Tensor& grad,
                            std::vector<const void*>& covered) {
  const std::int64_t batch = input.size(0);
  at::Tensor total = at::zeros({batch}, at::kDouble);
  if (!trainable(layer.weight) && !trainable(layer.bias)) return total;
  UFM_CHECK(layer.running_mean.defined() && layer.running_var.defined(), RuntimeError,
            "per_example_gradient_norms: batch norm without running statistics cannot be evaluated per example");
  std::vector<std::int64_t> shape(static_cast<std::size_t>(input.dim()), 1);
  shape[1] = input.size(1);
  const at::Tensor normalised = (input - layer.running_mean.reshape(shape)) *
                                at::rsqrt(layer.running_var.reshape(shape) + layer.options.eps());
  const std::int64_t channels = input.size(1);
  if (trainable(layer.weight)) {
    total += squared_norm_per_row((grad * normalised).reshape({batch, channels, -1}).sum(2));
    covered.push_back(layer.weight.unsafeGetTensorImpl());
  }
  if (trainable(layer.bias)) {
    total += squared_norm_per_row(grad.reshape({batch, channels, -1}).sum(2));
    covered.push_back(layer.bias.unsafeGetTensorImpl());
  }
  return total;
}

at::Tensor layer_norms(const LayerRecord& record, const at::Tensor& grad, ConvNormMethod method,
                       std::vector<const void*>& covered) {
  if (record.kind == "linear") {
    auto* layer = dynamic_cast<torch::nn::LinearImpl*>(record.layer);
    UFM_CHECK(layer, RuntimeError, "per_example_gradient_norms: layer ", record.name, " is traced as linear but is not one");
    return linear_norms(*layer, record.input, grad, covered);
  }
  if (record.kind == "conv2d") {
    auto* layer = dynamic_cast<torch::nn::Conv2dImpl*>(record.layer);
    UFM_CHECK(layer, RuntimeError, "per_example_gradient_norms: layer ", record.name, " is traced as conv2d but is not one");
    return conv2d_norms(*layer, record.input, grad, method, covered);
  }
  if (record.kind == "batch_norm") {
    if (auto* layer = dynamic_cast<torch::nn::BatchNorm1dImpl*>(record.layer)) {
      return batch_norm_norms(*layer, record.input, grad, covered);
    }
    if (auto* layer = dynamic_cast<torch::nn::BatchNorm2dImpl*>(record.layer)) {
      return batch_norm_norms(*layer, record.input, grad, covered);
    }
    UFM_CHECK(false, RuntimeError, "per_example_gradient_norms: layer ", record.name, " is traced as batch_norm but is not one");
  }
  UFM_CHECK(false, RuntimeError, "per_example_gradient_norms: no per-example gradient identity for layer ", record.name,
            " of kind '", record.kind, "'");
  return {};
}

}  // namespace

// Linear y = W a + b, one example: ∂ℓ/∂W = g aᵀ (rank one), so ‖∂ℓ/∂W‖² = ‖a‖²‖g‖², and
// ∂ℓ/∂b = g.
at::Tensor linear_gradient_norms(const at::Tensor& input, const at::Tensor& output_grad, bool weight, bool bias) {
  const at::Tensor g2 = squared_norm_per_row(output_grad);
  at::Tensor total = at::zeros_like(g2);
  if (weight) total += squared_norm_per_row(input) * g2;
  if (bias) total += g2;
  return total;
}

// Convolution, one example: with A = unfold(x) [K, P] and G = ∂ℓ/∂y [C_out, P] the kernel
// gradient is G Aᵀ and the bias gradient Σ_p g_p (see ConvNormMethod for the two ways).
at::Tensor conv2d_gradient_norms(const at::Tensor& input, const at::Tensor& output_grad, const ConvGeometry& geometry,
                                 ConvNormMethod method, bool weight, bool bias) {
  const std::int64_t batch = input.size(0);
  const std::int64_t out_channels = output_grad.size(1);
  const at::Tensor g = output_grad.reshape({batch, out_channels, -1});  // [B, C_out, P]
  at::Tensor total = at::zeros({batch}, input.options().dtype(at::kDouble));
  if (weight) {
    const at::Tensor a = at::im2col(input, {geometry.kernel[0], geometry.kernel[1]},
                                    {geometry.dilation[0], geometry.dilation[1]},
                                    {geometry.padding[0], geometry.padding[1]},
                                    {geometry.stride[0], geometry.stride[1]});  // [B, K, P]
    UFM_CHECK(a.size(2) == g.size(2), RuntimeError, "per-example gradient norms: unfolded conv input has ", a.size(2),
              " positions but the output gradient ", g.size(2));
    const double k = static_cast<double>(a.size(1)), p = static_cast<double>(a.size(2)),
                 c = static_cast<double>(out_channels);
    if (method == ConvNormMethod::kAuto) {
      method = p * p * (k + c) < c * k * p ? ConvNormMethod::kGram : ConvNormMethod::kDirect;
    }
    if (method == ConvNormMethod::kDirect) {
      total += squared_norm_per_row(at::bmm(g, a.transpose(1, 2)));
    } else {
      const at::Tensor aa = at::bmm(a.transpose(1, 2), a);  // [B, P, P]
      const at::Tensor gg = at::bmm(g.transpose(1, 2), g);
      total += (aa * gg).flatten(1).sum(1).to(at::kDouble);
    }
  }
  if (bias) total += squared_norm_per_row(g.sum(2));
  return total;
}

void check_example_batch(const at::Tensor& images, const at::Tensor& labels, const char* caller) {
  UFM_CHECK(images.dim() == 4, RuntimeError, caller, ": expected images [N, C, H, W], got ", images.sizes());
  UFM_CHECK(labels.dim() == 1 && labels.size(0) == images.size(0), RuntimeError, caller, ": expected ",
            images.size(0), " labels, got shape ", labels.sizes());
}

at::Tensor per_example_gradient_norms(Classifier& model, const at::Tensor& images, const at::Tensor& labels,
                                      ConvNormMethod conv_method) {
  check_example_batch(images, labels, "per_example_gradient_norms");
  EvalModeGuard eval(model);
  at::AutoGradMode enable_grad(true);
  LayerTrace trace;
  const at::Tensor logits = model.forward_traced(images, &trace);
  // Sum reduction: ∂(Σ_i ℓ_i)/∂output_i = ∂ℓ_i/∂output_i, since in evaluation mode example
  // i's output depends on example i alone. One backward pass gives every example's own
  // output gradients.
  const at::Tensor loss = at::cross_entropy_loss(logits, labels, {}, at::Reduction::Sum);
  std::vector<at::Tensor> outputs;
  for (const auto& record : trace) outputs.push_back(record.output);
  const std::vector<at::Tensor> grads = torch::autograd::grad({loss}, outputs);

  at::NoGradGuard no_grad;
  at::Tensor total = at::zeros({images.size(0)}, at::kDouble);
  std::vector<const void*> covered;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    total += layer_norms(trace[i], grads[i].detach(), conv_method, covered);
  }
  // Every trainable parameter must belong to a traced layer, else its gradient is missing.
  const std::set<const void*> seen(covered.begin(), covered.end());
  for (const auto& item : model.named_parameters()) {
    UFM_CHECK(!item.value().requires_grad() || seen.count(item.value().unsafeGetTensorImpl()), RuntimeError,
              "per_example_gradient_norms: trainable parameter '", item.key(),
              "' is not in a traced layer, so its gradient would be missed");
  }
  return total;
}


at::Tensor per_example_gradient_norms_reference(Classifier& model, const at::Tensor& images, const at::Tensor& labels) {
  check_example_batch(images, labels, "per_example_gradient_norms_reference");
  EvalModeGuard eval(model);
  at::AutoGradMode enable_grad(true);
  std::vector<at::Tensor> parameters;
  for (const auto& p : model.parameters()) {
    if (p.requires_grad()) parameters.push_back(p);
  }
  const std::int64_t n = images.size(0);
  at::Tensor out = at::empty({n}, at::kDouble);
  for (std::int64_t i = 0; i < n; ++i) {
    const at::Tensor loss =
        at::cross_entropy_loss(model.forward(images.narrow(0, i, 1)), labels.narrow(0, i, 1), {}, at::Reduction::Sum);
    const std::vector<at::Tensor> grads = torch::autograd::grad({loss}, parameters);
    double sum = 0.0;
    for (const auto& g : grads) sum += g.to(at::kDouble).square().sum().item<double>();
    out[i].fill_(sum);
  }
  return out;
}

}  // namespace ufm
