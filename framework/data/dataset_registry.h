#pragma once
/// Datasets by name. Built-ins: fashion_mnist, mnist, cifar10, synthetic.
#include <cstdint>
#include <string>

#include "core/option_table.h"
#include "core/registry.h"
#include "data/image_dataset.h"

namespace ufm {

/// Which in-distribution dataset a model trains on (YAML block `data`).
struct DatasetOptions {
  /// Registry name: fashion_mnist | mnist | cifar10 | synthetic.
  std::string name = "fashion_mnist";
  /// Directory holding the files; "" = the dataset's default location.
  std::string path = "";
  /// Keep only the first N training / test examples (0 = all): small real slices for tests.
  std::int64_t train_limit = 0;
  std::int64_t test_limit = 0;
  /// Declared once (core/option_table.h): key, default, allowed values, description.
  static const OptionTable<DatasetOptions>& options();
  /// The YAML block these options are read from.
  static constexpr const char* kBlock = "data";
  /// The declared rules, then the rules between options; ConfigError naming the key.
  void validate() const;
};

using DatasetRegistry = Registry<ImageDataset, const DatasetOptions&>;

/// The registry with the built-ins added on first use.
DatasetRegistry& dataset_registry();

/// Loads `options.name` from the registry and applies the limits.
ImageDataset load_dataset(const DatasetOptions& options);

/// The default directory of a built-in dataset ("" if it has none).
std::string default_dataset_path(const std::string& name);

/// Normalisation constants used by the authors (science.md, "Training").
Normalisation fashion_mnist_normalisation();
Normalisation mnist_normalisation();
Normalisation cifar10_normalisation();

}  // namespace ufm
