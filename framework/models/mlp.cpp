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
  for (std::size_t i = 0; i + 1 < layers_.size(); ++i) {
    h = apply_linear(layers_[i], dense_name(i), h, trace);
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
