#include "models/mlp.h"

#include <ATen/ATen.h>

#include "models/layers.h"

namespace ufm {
namespace {

/// Keras' rate for the dropout after each hidden ReLU in the authors' get_mlp_dp().
constexpr double kPaperDropoutRate = 0.5;

std::string dense_name(std::size_t i) { return "dense" + std::to_string(i); }

}  // namespace

Mlp::Mlp(const InputShape& shape, const ModelOptions& options) {
  using Kind = ForwardStep::Kind;
  const double dropout_rate = options.dropout_rate_for(kPaperDropoutRate);
  std::vector<ForwardStep> steps{ForwardStep::of(Kind::kFlatten)};
  std::int64_t width = shape.channels * shape.height * shape.width;
  for (std::size_t i = 0; i < options.hidden.size(); ++i) {
    register_module(dense_name(i), torch::nn::Linear(width, options.hidden[i]));
    steps.push_back(ForwardStep::of(Kind::kLinear, dense_name(i)));
    if (options.batch_norm) {
      register_module(dense_name(i) + "_bn", keras_batch_norm1d(options.hidden[i]));
      steps.push_back(keras_batch_norm_step(dense_name(i) + "_bn"));
    }
    steps.push_back(ForwardStep::of(Kind::kRelu));
    for (const auto& step : dropout_step(dropout_rate)) steps.push_back(step);
    width = options.hidden[i];
  }
  register_module("output", torch::nn::Linear(width, shape.classes));
  steps.push_back(ForwardStep::of(Kind::kLinear, "output"));
  describe(std::move(steps));
}

}  // namespace ufm
