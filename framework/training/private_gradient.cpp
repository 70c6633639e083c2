#include "training/private_gradient.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>

#include <vector>

#include "core/counter_random.h"
#include "core/error.h"
#include "models/per_example_norms.h"

namespace ufm {
namespace {

// Model k's per-example squared gradient norms over its first `rows` examples, from one
// traced layer's input and the loss's gradient with respect to the layer's output.
at::Tensor layer_norms(const BatchedLayerRecord& record, const at::Tensor& input, const at::Tensor& grad) {
  switch (record.step.kind) {
    case ForwardStep::Kind::kLinear:
      return linear_gradient_norms(input, grad, true, true);
    case ForwardStep::Kind::kConv2d: {
      ConvGeometry geometry;
      const at::Tensor& x = input;
      const std::int64_t kernel_h = x.size(2) + 2 * record.step.padding - grad.size(2) + 1;
      const std::int64_t kernel_w = x.size(3) + 2 * record.step.padding - grad.size(3) + 1;
      geometry.kernel = {kernel_h, kernel_w};
      geometry.padding = {record.step.padding, record.step.padding};
      return conv2d_gradient_norms(input, grad, geometry, ConvNormMethod::kAuto, true, true);
    }
    default:
      UFM_CHECK(false, RuntimeError, "private training: no per-example gradient identity for step ",
                step_kind_name(record.step.kind), " ", record.step.name);
  }
  return {};
}

}  // namespace

ClippedNoisyGradient::ClippedNoisyGradient(double clip_norm, double noise_multiplier, double expected_batch_size)
    : clip_norm_(clip_norm), noise_multiplier_(noise_multiplier), expected_batch_size_(expected_batch_size) {
  UFM_CHECK(clip_norm > 0.0, ConfigError, "privacy.clip_norm: expected > 0, got ", clip_norm);
  UFM_CHECK(noise_multiplier >= 0.0, ConfigError, "privacy.noise_multiplier: expected >= 0, got ", noise_multiplier);
  UFM_CHECK(expected_batch_size > 0.0, RuntimeError, "private training: expected batch size must be > 0, got ",
            expected_batch_size);
}

StepOutput ClippedNoisyGradient::compute(BatchedModel& model, const StepBatch& batch) const {
  const std::int64_t K = model.size();
  UFM_CHECK(!needs_noise_keys() || static_cast<std::int64_t>(batch.noise_keys.size()) == K, RuntimeError,
            "private training: ", batch.noise_keys.size(), " noise keys for ", K, " models");
  for (const auto& step : model.steps()) {
    UFM_CHECK(step.kind != ForwardStep::Kind::kBatchNorm, ConfigError,
              "privacy.enabled: batch norm mixes the examples of a batch, so no example has a gradient to clip; set "
              "model.batch_norm=false");
  }
  model.set_rows(batch.rows);
  BatchedTrace trace;
  const at::Tensor logits = model.forward(batch.x, &trace);  // [K, B, classes]
  const std::vector<at::Tensor> model_logits = model_slices(logits), model_labels = model_slices(batch.y);

  // Each model's per-example losses over its own rows, as it computes them alone.
  std::vector<at::Tensor> losses(static_cast<std::size_t>(K));
  at::Tensor total;
  for (std::int64_t k = 0; k < K; ++k) {
    const std::int64_t rows = batch.rows_of(k);
    losses[k] = at::cross_entropy_loss(model_logits[k].narrow(0, 0, rows), model_labels[k].narrow(0, 0, rows), {},
                                       at::Reduction::None);
    total = k == 0 ? losses[k].sum() : total + losses[k].sum();
  }
  // In training mode without batch norm example i's output depends on example i alone, so
  // the gradient of the summed loss with respect to a layer's output holds, in row i,
  // example i's own output gradient.
  std::vector<at::Tensor> outputs;
  for (const auto& record : trace) outputs.push_back(record.output);
  // Every batch empty (possible under Poisson sampling): the released gradient is the noise.
  const bool any_rows = total.requires_grad();
  const std::vector<at::Tensor> output_grads =
      any_rows ? torch::autograd::grad({total}, outputs, /*grad_outputs=*/{}, /*retain_graph=*/true)
               : std::vector<at::Tensor>{};

  std::vector<at::Tensor> factors_of_models;
  std::vector<at::Tensor> norms_of_models;
  {
    at::NoGradGuard no_grad;
    for (std::int64_t k = 0; k < K; ++k) {
      const std::int64_t rows = batch.rows_of(k);
      at::Tensor squared = at::zeros({rows}, logits.options().dtype(at::kDouble));
      for (std::size_t i = 0; i < trace.size(); ++i) {
        const BatchedLayerRecord& record = trace[i];
        if (k < record.first || k >= record.first + record.models) continue;
        const at::Tensor grad = record.model_major(output_grads[i]).select(0, k - record.first).narrow(0, 0, rows);
        const at::Tensor input = record.input.select(0, k - record.first).narrow(0, 0, rows);
        squared += layer_norms(record, input, grad);
      }
      const at::Tensor norms = squared.sqrt();
      // c_i = min(1, C/‖g_i‖); a zero gradient (norm 0) keeps factor 1.
      factors_of_models.push_back((clip_norm_ / norms).clamp_max(1.0).to(losses[k].scalar_type()));
      at::Tensor padded = at::zeros({batch.x.size(1)}, norms.options());
      padded.narrow(0, 0, rows).copy_(norms);
      norms_of_models.push_back(padded);
    }
  }
  last_norms_ = at::stack(norms_of_models);
  at::Tensor clipped_total;
  for (std::int64_t k = 0; k < K; ++k) {
    const at::Tensor weighted = (losses[k] * factors_of_models[k]).sum();
    clipped_total = k == 0 ? weighted : clipped_total + weighted;
  }
  // Parameter gradient of Σ_i c_i ℓ_i (c fixed) = Σ_i c_i g_i: the clipped sum.
  if (any_rows) clipped_total.backward();

  at::NoGradGuard no_grad;
  const double noise_scale = noise_multiplier_ * clip_norm_;
  std::uint64_t offset = 0;  // element of model k's parameters, in parameters() order
  std::vector<float> noise;
  for (const at::Tensor& parameter : model.parameters()) {
    at::Tensor grad = parameter.mutable_grad();
    if (!grad.defined()) {
      grad = at::zeros_like(parameter);
      parameter.mutable_grad() = grad;
    }
    const std::int64_t per_model = parameter.numel() / K;
    if (noise_scale > 0.0) {
      noise.resize(static_cast<std::size_t>(per_model));
      for (std::int64_t k = 0; k < K; ++k) {
        standard_normals(batch.noise_keys[static_cast<std::size_t>(k)], static_cast<std::uint64_t>(batch.step), offset,
                         noise.data(), per_model);
        const at::Tensor z = at::from_blob(noise.data(), {per_model}, at::kFloat).to(grad.device());
        grad.select(0, k).view({-1}).add_(z, noise_scale);
      }
    }
    grad.div_(expected_batch_size_);
    offset += static_cast<std::uint64_t>(per_model);
  }

  std::vector<at::Tensor> mean_losses;
  for (std::int64_t k = 0; k < K; ++k) {
    mean_losses.push_back(losses[k].numel() ? losses[k].detach().mean() : at::zeros({}, losses[k].options()));
  }
  return {stack_models(mean_losses), logits.detach()};
}

}  // namespace ufm
