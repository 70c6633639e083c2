#pragma once
/// Applying layers with optional tracing: the one code path shared by plain and traced
/// forward passes, so influence sees exactly the computation that training did.
#include <torch/nn/modules/linear.h>

#include "models/classifier.h"

namespace ufm {

/// linear(x), recording (x, output) as `name` when `trace` is non-null.
at::Tensor apply_linear(torch::nn::Linear& layer, const std::string& name, const at::Tensor& x, LayerTrace* trace);

}  // namespace ufm
