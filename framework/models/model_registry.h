#pragma once
/// Models by name. A new model is one .h/.cpp pair plus one `add` line in
/// register_builtin_models().
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/option_table.h"
#include "core/registry.h"
#include "models/classifier.h"

namespace ufm {

/// YAML block `model`.
struct ModelOptions {
  /// Registry name: mlp, cnn1 or cnn2 (see model_registry().names() for all).
  std::string name = "mlp";
  /// Hidden layer widths of the MLP (the paper: 512, 256); the CNNs ignore it.
  std::vector<std::int64_t> hidden = {512, 256};
  /// Batch normalisation after every hidden dense and conv layer, before its ReLU (the
  /// paper's "BN" variants), with Keras' momentum 0.99 and epsilon 1e-3.
  bool batch_norm = false;
  /// Dropout after every hidden ReLU (the paper's "dropout" variants). Draws come from the
  /// model's own generator.
  bool dropout = false;
  /// Rate of every dropout layer, in [0, 1); negative = the paper's rates: 0.5 after each
  /// dense ReLU, 0.2 after each conv ReLU.
  double dropout_rate = -1;

  /// Declared once (core/option_table.h): key, default, allowed values, description.
  static const OptionTable<ModelOptions>& options();
  /// The YAML block these options are read from.
  static constexpr const char* kBlock = "model";
  /// The declared rules, then the rules between options; ConfigError naming the key.
  void validate() const;
  /// The rate a dropout layer whose paper rate is `paper_rate` uses: 0 without dropout,
  /// dropout_rate when set, else paper_rate.
  double dropout_rate_for(double paper_rate) const;
};

using ModelRegistry = Registry<std::shared_ptr<Classifier>, const ModelOptions&, const InputShape&>;

ModelRegistry& model_registry();

/// Validates the options and creates the model; its parameters are uninitialised until
/// initialise_keras_defaults.
std::shared_ptr<Classifier> create_model(const ModelOptions& options, const InputShape& shape);

/// Number of trainable scalars.
std::int64_t parameter_count(const torch::nn::Module& module);

}  // namespace ufm
