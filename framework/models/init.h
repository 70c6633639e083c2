#pragma once
/// Keras' default initialisation, which the authors' models used: Glorot-uniform
/// weights, zero biases, BN scale 1 / shift 0.
#include <ATen/core/Generator.h>
#include <torch/nn/module.h>

namespace ufm {

/// Initialises every parameter of `module` (in registration order) from `generator`.
void initialise_keras_defaults(torch::nn::Module& module, at::Generator& generator);

}  // namespace ufm
