#pragma once
/// Out-of-distribution probe images adapted to a model's input shape (science.md, "OOD sets").
#include <cstdint>
#include <string>
#include <vector>

#include "core/option_table.h"
#include "data/dataset_registry.h"

namespace ufm {

/// ood.split: "train", "test", "all".
enum class OodSplit { kTrain, kTest, kAll };
const std::vector<std::string>& option_names(OodSplit);

/// YAML block `ood`.
struct OodOptions {
  /// Registry name of the OOD dataset.
  std::string dataset = "mnist";
  /// Its directory ("" = its default).
  std::string path = "";
  /// Which split probes the model: train | test | all (train then test).
  OodSplit split = OodSplit::kAll;
  /// Keep the first N images (0 = all).
  std::int64_t limit = 0;
  /// false reproduces a bug of the authors' code: one-channel OOD images left
  /// unnormalised at evaluation. Off by default; results made with it are labelled.
  bool normalise = true;
  /// Declared once (core/option_table.h): key, default, allowed values, description.
  static const OptionTable<OodOptions>& options();
  /// The YAML block these options are read from.
  static constexpr const char* kBlock = "ood";
  /// The declared rules, then the rules between options; ConfigError naming the key.
  void validate() const;
};

/// Grey-scale (0.2989 R + 0.5870 G + 0.1140 B) when going 3→1 channels, stacking
/// when going 1→3, then bilinear resize to height×width. Images stay in [0,1].
at::Tensor adapt_images(const at::Tensor& images, std::int64_t channels, std::int64_t height,
                        std::int64_t width);

/// Loads the OOD images and labels in [0,1] adapted to the given shape.
ImageSplit load_ood_images(const OodOptions& options, std::int64_t channels, std::int64_t height,
                           std::int64_t width);

}  // namespace ufm
