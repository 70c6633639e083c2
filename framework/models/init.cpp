#include "models/init.h"

#include <ATen/ATen.h>
#include <torch/nn/modules/linear.h>

#include <cmath>

namespace ufm {

void initialise_keras_defaults(torch::nn::Module& module, at::Generator& generator) {
  at::NoGradGuard no_grad;
  // Walk modules in registration order so that the draws, and hence the weights,
  // depend only on the seed and the architecture.
  for (const auto& child : module.modules(/*include_self=*/true)) {
    for (auto& item : child->named_parameters(/*recurse=*/false)) {
      at::Tensor& parameter = item.value();
      const std::string& name = item.key();
      if (name == "bias" || parameter.dim() < 2) {
        // Keras: zero biases; batch-norm shift 0 and scale 1.
        parameter.fill_(name == "weight" ? 1.0 : 0.0);
        continue;
      }
      // Glorot/Xavier uniform (Glorot & Bengio 2010): U(-l, l), l = sqrt(6 / (fan_in + fan_out)),
      // with receptive-field size multiplying both fans for convolutions.
      const std::int64_t receptive = parameter.numel() / (parameter.size(0) * parameter.size(1));
      const double fan_in = static_cast<double>(parameter.size(1) * receptive);
      const double fan_out = static_cast<double>(parameter.size(0) * receptive);
      const double limit = std::sqrt(6.0 / (fan_in + fan_out));
      parameter.uniform_(-limit, limit, generator);
    }
  }
}

}  // namespace ufm
