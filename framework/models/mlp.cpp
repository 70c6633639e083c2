#include "models/mlp.h"

#include <ATen/ATen.h>

#include "models/layers.h"

namespace ufm {
namespace {

/// Keras' rate for the dropout after each hidden ReLU in the authors' get_mlp_dp().
constexpr double kPaperDropoutRate = 0.5;

std::string dense_name(std::size_t i) { return "dense" + std::to_string(i); }

}  // namespace

Mlp::Mlp(const InputShape& shape, const ModelOptions& options)
    : dropout_rate_(options.dropout_rate_for(kPaperDropoutRate)) {
  std::int64_t width = shape.channels * shape.height * shape.width;
  for (std::size_t i = 0; i < options.hidden.size(); ++i) {
    layers_.push_back(register_module(dense_name(i), torch::nn::Linear(width, options.hidden[i])));
    if (options.batch_norm) {
      norms_.push_back(register_module(dense_name(i) + "_bn", keras_batch_norm1d(options.hidden[i])));
    }
    width = options.hidden[i];
  }
  layers_.push_back(register_module("output", torch::nn::Linear(width, shape.classes)));
}

at::Tensor Mlp::forward_traced(const at::Tensor& x, LayerTrace* trace) {
  at::Tensor h = x.flatten(1);
  if (layers_.size() == 1) return apply_linear(layers_.back(), "output", h, trace);
  return forward_after_linear(apply_linear(layers_[0], dense_name(0), h, trace), 0, trace);
}

at::Tensor Mlp::forward_from_first_layer(const at::Tensor& first_output) {
  // Without hidden layers the first layer's output is already the logits.
  if (layers_.size() == 1) return first_output;
  return forward_after_linear(first_output, 0, nullptr);
}

at::Tensor Mlp::forward_after_linear(at::Tensor h, std::size_t first, LayerTrace* trace) {
  for (std::size_t i = first; i + 1 < layers_.size(); ++i) {
    if (i > first) h = apply_linear(layers_[i], dense_name(i), h, trace);
    if (!norms_.empty()) h = apply_batch_norm(norms_[i], dense_name(i) + "_bn", h, trace);
    h = seeded_dropout(at::relu(h), dropout_rate_, is_training(), generator_);
  }
  return apply_linear(layers_.back(), "output", h, trace);
}

std::vector<ForwardStep> Mlp::forward_steps() const {
  using Kind = ForwardStep::Kind;
  std::vector<ForwardStep> steps{ForwardStep::of(Kind::kFlatten)};
  for (std::size_t i = 0; i + 1 < layers_.size(); ++i) {
    steps.push_back(ForwardStep::of(Kind::kLinear, dense_name(i)));
    if (!norms_.empty()) steps.push_back(keras_batch_norm_step(dense_name(i) + "_bn"));
    steps.push_back(ForwardStep::of(Kind::kRelu));
    for (const auto& step : dropout_step(dropout_rate_)) steps.push_back(step);
  }
  steps.push_back(ForwardStep::of(Kind::kLinear, "output"));
  return steps;
}

}  // namespace ufm
