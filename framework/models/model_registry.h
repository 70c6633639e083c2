#pragma once
/// Models by name. A new model is one .h/.cpp pair plus one `add` line in
/// register_builtin_models().
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/registry.h"
#include "models/classifier.h"

namespace ufm {

/// YAML block `model`.
struct ModelOptions {
  /// Registry name (mlp, ...).
  std::string name = "mlp";
  /// Hidden layer widths of the MLP (the paper: 512, 256).
  std::vector<std::int64_t> hidden = {512, 256};
  void validate() const;
};

using ModelRegistry = Registry<std::shared_ptr<Classifier>, const ModelOptions&, const InputShape&>;

ModelRegistry& model_registry();

/// Creates the model; its parameters are uninitialised until initialise_keras_defaults.
std::shared_ptr<Classifier> create_model(const ModelOptions& options, const InputShape& shape);

/// Number of trainable scalars.
std::int64_t parameter_count(const torch::nn::Module& module);

}  // namespace ufm
