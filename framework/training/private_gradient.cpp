#include "training/private_gradient.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>

#include <map>
#include <string>
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

struct ClippedLayerGradient {
  at::Tensor weight;  ///< Σ_i c_i ∂ℓ_i/∂W, flattened per output ([out, fan-in])
  at::Tensor bias;    ///< Σ_i c_i ∂ℓ_i/∂b
};

// One layer's clipped sum over examples: with G the output gradients scaled row by row by
// the clip factors, a linear layer's is Gᵀ A (A its inputs) and Σ_i g_i; a convolution's is
// Σ_i G_i A_iᵀ over the unfolded inputs A_i, one matrix product over examples × positions.
ClippedLayerGradient clipped_layer_gradient(const BatchedLayerRecord& record, const at::Tensor& input,
                                            const at::Tensor& grad, const at::Tensor& factors) {
  const std::int64_t rows = input.size(0);
  if (record.step.kind == ForwardStep::Kind::kLinear) {
    const at::Tensor scaled = grad * factors.unsqueeze(1);  // [rows, out]
    return {at::mm(scaled.t(), input), scaled.sum(0)};
  }
  UFM_CHECK(record.step.kind == ForwardStep::Kind::kConv2d, RuntimeError, "private training: no clipped gradient for step ",
            step_kind_name(record.step.kind), " ", record.step.name);
  const std::int64_t out_channels = grad.size(1);
  const std::int64_t kernel_h = input.size(2) + 2 * record.step.padding - grad.size(2) + 1;
  const std::int64_t kernel_w = input.size(3) + 2 * record.step.padding - grad.size(3) + 1;
  const at::Tensor unfolded = at::im2col(input, {kernel_h, kernel_w}, {1, 1}, {record.step.padding, record.step.padding},
                                         {1, 1});  // [rows, fan-in, P]
  const at::Tensor scaled = grad.reshape({rows, out_channels, -1}) * factors.view({rows, 1, 1});  // [rows, O, P]
  const std::int64_t positions = scaled.size(2);
  const at::Tensor weight = at::mm(scaled.permute({1, 0, 2}).reshape({out_channels, rows * positions}),
                                   unfolded.permute({0, 2, 1}).reshape({rows * positions, unfolded.size(1)}));
  return {weight, scaled.sum(at::IntArrayRef{0, 2})};
}

// grad = (grad + scale·noise)/divisor, one pass on the CPU (float, contiguous); tensor
// operations elsewhere.
void add_noise_and_scale(at::Tensor& grad, const at::Tensor& noise, double scale, double divisor) {
  if (!grad.device().is_cpu() || grad.scalar_type() != at::kFloat || !grad.is_contiguous()) {
    grad.add_(noise.to(grad.device(), grad.scalar_type()), scale).div_(divisor);
    return;
  }
  float* g = grad.data_ptr<float>();
  const float* z = noise.data_ptr<float>();
  const auto s = static_cast<float>(scale), d = static_cast<float>(divisor);
  const std::int64_t n = grad.numel();
#pragma omp parallel for simd schedule(static) if (n > 65536)
  for (std::int64_t i = 0; i < n; ++i) g[i] = (g[i] + s * z[i]) / d;
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
      any_rows ? torch::autograd::grad({total}, outputs) : std::vector<at::Tensor>{};

  at::NoGradGuard no_grad;
  std::map<std::string, std::size_t> parameter_index;
  for (std::size_t i = 0; i < model.parameter_names().size(); ++i) parameter_index[model.parameter_names()[i]] = i;
  // Model k's clipped sum of every parameter (undefined until a layer writes it).
  const std::size_t parameter_count = model.parameters().size();
  std::vector<std::vector<at::Tensor>> model_grads(parameter_count, std::vector<at::Tensor>(static_cast<std::size_t>(K)));
  std::vector<at::Tensor> norms_of_models;
  for (std::int64_t k = 0; k < K; ++k) {
    const std::int64_t rows = batch.rows_of(k);
    std::vector<const BatchedLayerRecord*> records;
    std::vector<at::Tensor> inputs, output_gradients;
    at::Tensor squared = at::zeros({rows}, logits.options().dtype(at::kDouble));
    for (std::size_t i = 0; i < trace.size(); ++i) {
      const BatchedLayerRecord& record = trace[i];
      if (k < record.first || k >= record.first + record.models) continue;
      records.push_back(&record);
      output_gradients.push_back(record.model_major(output_grads[i]).select(0, k - record.first).narrow(0, 0, rows));
      inputs.push_back(record.input.select(0, k - record.first).narrow(0, 0, rows));
      squared += layer_norms(record, inputs.back(), output_gradients.back());
    }
    const at::Tensor norms = squared.sqrt();
    at::Tensor padded = at::zeros({batch.x.size(1)}, norms.options());
    padded.narrow(0, 0, rows).copy_(norms);
    norms_of_models.push_back(padded);
    if (rows == 0) continue;
    // c_i = min(1, C/‖g_i‖); a zero gradient (norm 0) keeps factor 1. Then each layer's
    // clipped sum from its own inputs and output gradients ("book-keeping", Bu et al. 2023):
    // Σ_i c_i ∂ℓ_i/∂W without a second backward pass.
    const at::Tensor factors = (clip_norm_ / norms).clamp_max(1.0).to(logits.scalar_type());
    for (std::size_t j = 0; j < records.size(); ++j) {
      const std::string& name = records[j]->step.name;
      const auto weight = parameter_index.find(name + ".weight"), bias = parameter_index.find(name + ".bias");
      UFM_CHECK(weight != parameter_index.end() && bias != parameter_index.end(), RuntimeError,
                "private training: layer ", name, " has no weight and bias parameters");
      const ClippedLayerGradient clipped = clipped_layer_gradient(*records[j], inputs[j], output_gradients[j], factors);
      const auto& weight_shape = model.parameters()[weight->second].sizes().slice(1);
      model_grads[weight->second][static_cast<std::size_t>(k)] = clipped.weight.view(weight_shape);
      model_grads[bias->second][static_cast<std::size_t>(k)] = clipped.bias;
    }
  }
  last_norms_ = at::stack(norms_of_models);
  std::vector<at::Tensor> grads;
  for (std::size_t i = 0; i < parameter_count; ++i) {
    const at::Tensor& parameter = model.parameters()[i];
    for (std::int64_t k = 0; k < K; ++k) {
      at::Tensor& slot = model_grads[i][static_cast<std::size_t>(k)];
      if (slot.defined()) continue;
      // A model without rows this step contributes nothing; any other gap is a parameter
      // outside the traced layers, whose gradient would be missed.
      UFM_CHECK(batch.rows_of(k) == 0, RuntimeError, "private training: parameter ", model.parameter_names()[i],
                " is not in a traced linear or conv2d layer, so its gradient would be missed");
      slot = at::zeros(parameter.sizes().slice(1), parameter.options());
    }
    at::Tensor grad = stack_models(model_grads[i]).contiguous();
    parameter.mutable_grad() = grad;
    grads.push_back(grad);
  }

  // g̃ = (Σ_i c_i g_i + σC·z)/L, z the noise of all of model k's parameters (element e of
  // its parameters in parameters() order) from one call, in one pass over each gradient.
  const double noise_scale = noise_multiplier_ * clip_norm_;
  std::int64_t per_model_total = 0;
  for (const at::Tensor& grad : grads) per_model_total += grad.numel() / K;
  if (noise_scale > 0.0 && (!noise_.defined() || noise_.numel() != per_model_total)) {
    noise_ = at::empty({per_model_total}, at::TensorOptions().dtype(at::kFloat));
  }
  for (std::int64_t k = 0; k < K; ++k) {
    if (noise_scale > 0.0) {
      standard_normals(batch.noise_keys[static_cast<std::size_t>(k)], static_cast<std::uint64_t>(batch.step), 0,
                       noise_.data_ptr<float>(), per_model_total);
    }
    std::int64_t offset = 0;
    for (at::Tensor& grad : grads) {
      const std::int64_t per_model = grad.numel() / K;
      at::Tensor slice = grad.select(0, k).view({-1});
      if (noise_scale > 0.0) {
        add_noise_and_scale(slice, noise_.narrow(0, offset, per_model), noise_scale, expected_batch_size_);
      } else {
        slice.div_(expected_batch_size_);
      }
      offset += per_model;
    }
  }

  std::vector<at::Tensor> mean_losses;
  for (std::int64_t k = 0; k < K; ++k) {
    mean_losses.push_back(losses[k].numel() ? losses[k].detach().mean() : at::zeros({}, losses[k].options()));
  }
  return {stack_models(mean_losses), logits.detach()};
}

}  // namespace ufm
