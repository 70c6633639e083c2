#include "models/mlp.h"

#include <ATen/ATen.h>

#include "models/layers.h"

namespace ufm {

Mlp::Mlp(const InputShape& shape, const std::vector<std::int64_t>& hidden) {
  std::int64_t width = shape.channels * shape.height * shape.width;
  for (std::size_t i = 0; i < hidden.size(); ++i) {
    layers_.push_back(register_module("dense" + std::to_string(i), torch::nn::Linear(width, hidden[i])));
    width = hidden[i];
  }
  layers_.push_back(register_module("output", torch::nn::Linear(width, shape.classes)));
}

at::Tensor Mlp::forward_traced(const at::Tensor& x, LayerTrace* trace) {
  at::Tensor h = x.flatten(1);
  for (std::size_t i = 0; i + 1 < layers_.size(); ++i) {
    h = at::relu(apply_linear(layers_[i], "dense" + std::to_string(i), h, trace));
  }
  return apply_linear(layers_.back(), "output", h, trace);
}

}  // namespace ufm
