#include "models/batched_model.h"

#include <ATen/ATen.h>

#include <algorithm>

#include "core/error.h"
#include "models/layers.h"

namespace ufm {
namespace {

// How the activations of K models are laid out between steps.
//  kImages:  [K, B, C, H, W], the input; also the activations of convolutions run one
//            model at a time (model k's slice is contiguous, exactly its own layout).
//  kGrouped: [B, K·C, H, W], model k owning channels k·C … k·C + C − 1: what a grouped
//            convolution, a per-channel batch norm and max pooling work on directly.
//  kRows:    [K, B, F], what batched matrix products work on.
enum class Layout { kImages, kGrouped, kRows };


}  // namespace

std::vector<at::Tensor> model_slices(const at::Tensor& stacked) {
  if (stacked.size(0) == 1) return {stacked.squeeze(0)};
  return stacked.unbind(0);
}

at::Tensor stack_models(const std::vector<at::Tensor>& slices) {
  if (slices.size() == 1) return slices.front().unsqueeze(0);
  return at::stack(slices);
}

BatchedModel::BatchedModel(const std::vector<Classifier*>& models) {
  UFM_CHECK(!models.empty(), RuntimeError, "BatchedModel: expected at least one model");
  size_ = static_cast<std::int64_t>(models.size());
  steps_ = models.front()->forward_steps();
  UFM_CHECK(!steps_.empty(), RuntimeError, "BatchedModel: this model type describes no forward steps, so it cannot be batched");
  const auto first_parameters = models.front()->named_parameters();
  const auto first_buffers = models.front()->named_buffers();
  for (const auto& item : first_parameters) parameter_names_.push_back(item.key());
  for (const auto& item : first_buffers) buffer_names_.push_back(item.key());

  at::NoGradGuard no_grad;
  auto stack = [&](const std::string& name, bool parameter, const at::Tensor& reference) {
    std::vector<at::Tensor> slices;
    for (std::size_t k = 0; k < models.size(); ++k) {
      const auto named = parameter ? models[k]->named_parameters() : models[k]->named_buffers();
      const at::Tensor* found = named.find(name);
      UFM_CHECK(found != nullptr, RuntimeError, "BatchedModel: model ", k, " has no ", name,
                " (models of one batch must share their architecture)");
      UFM_CHECK(found->sizes() == reference.sizes() && found->device() == reference.device(), RuntimeError,
                "BatchedModel: model ", k, "'s ", name, " is ", found->sizes(), " on ", found->device(),
                ", model 0's is ", reference.sizes(), " on ", reference.device());
      slices.push_back(found->detach());
    }
    return at::stack(slices).contiguous();
  };
  for (const auto& item : first_parameters) {
    at::Tensor stacked_parameter = stack(item.key(), true, item.value());
    stacked_parameter.set_requires_grad(true);
    parameters_.push_back(stacked_parameter);
    by_name_[item.key()] = stacked_parameter;
  }
  for (const auto& item : first_buffers) {
    at::Tensor stacked_buffer = stack(item.key(), false, item.value());
    buffers_.push_back(stacked_buffer);
    by_name_[item.key()] = stacked_buffer;
  }
  // On a GPU one kernel for all K models (batched products, grouped convolutions) keeps
  // the device busy. On the CPU (LibTorch 1.13, OpenBLAS, oneDNN) their backward passes
  // were slower than K separate calls (1.2× for the MLP's products, 2–4× for cnn2's
  // grouped convolutions; docs/batched.md), so the CPU calls each model's layers on its
  // own slice, exactly as the single model does.
  batched_kernels_ = first_parameters.size() > 0 && first_parameters[0].value().device().is_cuda();
  for (const auto* model : models) {
    UFM_CHECK(model->parameters().size() == parameters_.size() && model->buffers().size() == buffers_.size(),
              RuntimeError, "BatchedModel: models of one batch must share their architecture");
    generators_.push_back(model->generator());
  }
}

at::Tensor BatchedModel::stacked(const std::string& name) const {
  auto found = by_name_.find(name);
  UFM_CHECK(found != by_name_.end(), RuntimeError, "BatchedModel: the forward steps name ", name,
            ", which the model does not have");
  return found->second;
}

at::Tensor BatchedLayerRecord::model_major(const at::Tensor& output_gradient) const {
  if (!output_grouped) return output_gradient;
  const std::int64_t batch = output_gradient.size(0);
  return output_gradient.view({batch, models, -1, output_gradient.size(2), output_gradient.size(3)}).transpose(0, 1);
}

at::Tensor BatchedModel::forward(const at::Tensor& x, BatchedTrace* trace) {
  UFM_CHECK(x.dim() == 5 && x.size(0) == size_, RuntimeError, "BatchedModel: expected input [", size_,
            ", B, C, H, W], got ", x.sizes());
  const std::int64_t B = x.size(1);
  UFM_CHECK(rows_.empty() || static_cast<std::int64_t>(rows_.size()) == size_, RuntimeError, "BatchedModel: ",
            rows_.size(), " row counts for ", size_, " models");
  const bool ragged = !rows_.empty() && std::any_of(rows_.begin(), rows_.end(), [&](std::int64_t r) { return r != B; });
  if (!ragged || batched_kernels_) return forward_models(x, 0, size_, trace);
  // Per-model kernels on batches of different sizes: each model runs on its own rows, the
  // computation it has alone, and its outputs are padded back to the stack's B rows.
  std::vector<at::Tensor> outputs;
  for (std::int64_t k = 0; k < size_; ++k) {
    const std::int64_t rows = rows_[static_cast<std::size_t>(k)];
    if (rows == 0) {  // an empty batch: nothing to compute, nothing in the graph
      outputs.push_back(at::zeros({1, B, classes()}, x.options()));
      continue;
    }
    const at::Tensor own = forward_models(x.narrow(0, k, 1).narrow(1, 0, rows), k, 1, trace);  // [1, rows, classes]
    outputs.push_back(rows == B ? own : at::cat({own, at::zeros({1, B - rows, own.size(2)}, own.options())}, 1));
  }
  return at::cat(outputs, 0);
}

std::int64_t BatchedModel::classes() const {
  for (auto step = steps_.rbegin(); step != steps_.rend(); ++step) {
    if (step->kind == ForwardStep::Kind::kLinear) return stacked(step->name + ".bias").size(1);
  }
  UFM_CHECK(false, RuntimeError, "BatchedModel: the forward steps end in no linear layer");
  return 0;
}

at::Tensor BatchedModel::forward_models(const at::Tensor& x, std::int64_t first, std::int64_t count,
                                        BatchedTrace* trace) {
  const std::int64_t K = count;
  const std::int64_t B = x.size(1);
  // Models first … first + count − 1: their slices of the stacked tensors.
  auto stacked = [&](const std::string& name) {
    const at::Tensor all = this->stacked(name);
    return count == size_ ? all : all.narrow(0, first, count);
  };
  const bool padded_rows = count == size_ && !rows_.empty();
  // Mixed precision (set_precision): the matrix steps' operands in bf16, the rest as given.
  const bool bf16 = training_ && precision_ == Precision::kBf16;
  auto operand = [&](const at::Tensor& t) { return bf16 ? t.to(at::kBFloat16) : t; };
  at::Tensor h = x;
  Layout layout = Layout::kImages;
  auto to_grouped = [&] {
    if (layout == Layout::kImages) {
      h = h.transpose(0, 1).reshape({B, K * h.size(2), h.size(3), h.size(4)});
      layout = Layout::kGrouped;
    }
  };
  auto expect = [&](bool ok, const ForwardStep& step) {
    UFM_CHECK(ok, RuntimeError, "BatchedModel: step ", step_kind_name(step.kind), " ", step.name,
              " does not fit the activations' shape ", h.sizes());
  };
  for (const ForwardStep& step : steps_) {
    switch (step.kind) {
      case ForwardStep::Kind::kFlatten:
        if (layout == Layout::kImages) h = h.reshape({K, B, -1});
        if (layout == Layout::kGrouped) h = h.reshape({B, K, -1}).transpose(0, 1);
        layout = Layout::kRows;
        break;
      case ForwardStep::Kind::kLinear: {
        expect(layout == Layout::kRows, step);
        const at::Tensor weight = operand(stacked(step.name + ".weight"));  // [K, out, in]
        const at::Tensor bias = operand(stacked(step.name + ".bias"));      // [K, out]
        const at::Tensor input = h;
        h = operand(h);
        if (batched_kernels_) {
          h = at::baddbmm(bias.unsqueeze(1), h, weight.transpose(1, 2));
        } else {
          // What at::linear does for one model, so the CPU computes each model's bits.
          const auto inputs = model_slices(h), weights = model_slices(weight), biases = model_slices(bias);
          std::vector<at::Tensor> outputs;
          for (std::int64_t k = 0; k < K; ++k) outputs.push_back(at::addmm(biases[k], inputs[k], weights[k].t()));
          h = stack_models(outputs);
        }
        if (trace) trace->push_back(BatchedLayerRecord{step, input.detach(), h, false, first, count});
        break;
      }
      case ForwardStep::Kind::kConv2d: {
        const at::Tensor weight = operand(stacked(step.name + ".weight"));  // [K, O, C, kh, kw]
        const at::Tensor bias = operand(stacked(step.name + ".bias"));      // [K, O]
        if (trace) {
          const at::Tensor input =
              layout == Layout::kGrouped ? h.view({B, K, -1, h.size(2), h.size(3)}).transpose(0, 1) : h;
          trace->push_back(BatchedLayerRecord{step, input.detach(), {}, false, first, count});
        }
        h = operand(h);
        if (batched_kernels_) {
          to_grouped();
          expect(layout == Layout::kGrouped, step);
          h = at::conv2d(h, weight.reshape({K * weight.size(1), weight.size(2), weight.size(3), weight.size(4)}),
                         bias.reshape({-1}), /*stride=*/{1, 1}, /*padding=*/{step.padding, step.padding},
                         /*dilation=*/{1, 1}, /*groups=*/K);
        } else {
          expect(layout == Layout::kImages, step);
          // unbind, not h[k]: its backward stacks the K gradients once, where K selects
          // would each build a full-size zero gradient (K² memory traffic).
          const auto inputs = model_slices(h), weights = model_slices(weight), biases = model_slices(bias);
          std::vector<at::Tensor> outputs;
          for (std::int64_t k = 0; k < K; ++k) {
            outputs.push_back(at::conv2d(inputs[k], weights[k], biases[k], /*stride=*/{1, 1},
                                         /*padding=*/{step.padding, step.padding}));
          }
          h = stack_models(outputs);
        }
        if (trace) {
          trace->back().output = h;
          trace->back().output_grouped = layout == Layout::kGrouped;
        }
        break;
      }
      case ForwardStep::Kind::kBatchNorm: {
        // Batch statistics in fp32, as autocast keeps them (a bf16 variance loses the small
        // differences it is made of).
        if (h.scalar_type() == at::kBFloat16) h = h.to(at::kFloat);
        const at::Tensor weight = stacked(step.name + ".weight");
        const at::Tensor bias = stacked(step.name + ".bias");
        const at::Tensor running_mean = stacked(step.name + ".running_mean");
        const at::Tensor running_var = stacked(step.name + ".running_var");
        const bool cudnn = at::globalContext().userEnabledCuDNN();
        if (layout == Layout::kImages) {
          // Per model, on its own contiguous slice; the buffer slices are views, updated in place.
          const auto inputs = model_slices(h), weights = model_slices(weight), biases = model_slices(bias);
          const auto means = model_slices(running_mean), variances = model_slices(running_var);
          std::vector<at::Tensor> outputs;
          for (std::int64_t k = 0; k < K; ++k) {
            outputs.push_back(at::batch_norm(inputs[k], weights[k], biases[k], means[k], variances[k], training_,
                                             step.momentum, step.eps, cudnn));
          }
          h = stack_models(outputs);
        } else if (layout == Layout::kGrouped) {
          // Views of the stacked buffers: batch_norm updates them in place.
          h = at::batch_norm(h, weight.reshape({-1}), bias.reshape({-1}), running_mean.view({-1}),
                             running_var.view({-1}), training_, step.momentum, step.eps, cudnn);
        } else {
          const std::int64_t features = h.size(2);
          at::Tensor columns = h.transpose(0, 1).reshape({B, K * features});
          columns = at::batch_norm(columns, weight.reshape({-1}), bias.reshape({-1}), running_mean.view({-1}),
                                   running_var.view({-1}), training_, step.momentum, step.eps, cudnn);
          h = columns.view({B, K, features}).transpose(0, 1);
        }
        if (training_) {
          at::NoGradGuard no_grad;
          stacked(step.name + ".num_batches_tracked").add_(1);
        }
        break;
      }
      case ForwardStep::Kind::kRelu:
        h = at::relu(h);
        break;
      case ForwardStep::Kind::kDropout: {
        if (!training_) break;
        UFM_CHECK(step.rate > 0.0 && step.rate < 1.0, RuntimeError, "dropout: expected a rate in (0, 1), got ",
                  step.rate);
        // Model k's mask has the shape of model k's own activations and comes from its own
        // generator, so it is the mask the single model would draw.
        std::vector<std::int64_t> shape;
        if (layout == Layout::kGrouped) {
          shape = {B, h.size(1) / K, h.size(2), h.size(3)};
        } else {
          shape = h.sizes().slice(1).vec();
        }
        std::vector<at::Tensor> masks;
        for (std::int64_t k = 0; k < K; ++k) {
          auto& generator = generators_[static_cast<std::size_t>(first + k)];
          UFM_CHECK(generator.has_value(), RuntimeError, "dropout: model ", first + k,
                    " of the batch is training with dropout but has no generator (call set_generator first)");
          const std::int64_t rows = padded_rows ? rows_[static_cast<std::size_t>(k)] : B;
          if (rows == B) {
            masks.push_back(dropout_mask(shape, step.rate, *generator, h.device()));
          } else {
            // The model's own rows draw what they draw alone; padding rows are zeroed.
            std::vector<std::int64_t> real = shape;
            real[0] = rows;
            std::vector<std::int64_t> padding = shape;
            padding[0] = B - rows;
            masks.push_back(at::cat({dropout_mask(real, step.rate, *generator, h.device()),
                                     at::zeros(padding, h.options())}));
          }
        }
        at::Tensor mask = layout == Layout::kGrouped ? at::stack(masks, 1).view(h.sizes()) : stack_models(masks);
        // The mask is drawn in fp32 (the same draws at either precision); 1/(1 − rate) is
        // rounded to bf16 when the activations are bf16.
        h = h * (h.scalar_type() == mask.scalar_type() ? mask : mask.to(h.scalar_type()));
        break;
      }
      case ForwardStep::Kind::kMaxPool2:
        if (layout == Layout::kImages) {
          const at::Tensor pooled = at::max_pool2d(h.reshape({K * B, h.size(2), h.size(3), h.size(4)}), {2, 2});
          h = pooled.view({K, B, pooled.size(1), pooled.size(2), pooled.size(3)});
        } else {
          expect(layout == Layout::kGrouped, step);
          h = at::max_pool2d(h, {2, 2});
        }
        break;
    }
  }
  UFM_CHECK(layout == Layout::kRows, RuntimeError, "BatchedModel: the forward steps do not end in rows of logits");
  // The loss (and its softmax) in fp32 after a bf16 pass; other dtypes (double in the
  // tests) as they came.
  return h.scalar_type() == at::kBFloat16 ? h.to(at::kFloat) : h;
}

void BatchedModel::copy_to(std::int64_t k, Classifier& model) const {
  UFM_CHECK(k >= 0 && k < size_, RuntimeError, "BatchedModel: model ", k, " of ", size_);
  at::NoGradGuard no_grad;
  auto parameters = model.named_parameters();
  for (std::size_t i = 0; i < parameter_names_.size(); ++i) {
    at::Tensor* target = parameters.find(parameter_names_[i]);
    UFM_CHECK(target != nullptr, RuntimeError, "BatchedModel::copy_to: the model has no ", parameter_names_[i]);
    target->copy_(parameters_[i][k]);
  }
  auto buffers = model.named_buffers();
  for (std::size_t i = 0; i < buffer_names_.size(); ++i) {
    at::Tensor* target = buffers.find(buffer_names_[i]);
    UFM_CHECK(target != nullptr, RuntimeError, "BatchedModel::copy_to: the model has no ", buffer_names_[i]);
    target->copy_(buffers_[i][k]);
  }
}

}  // namespace ufm
