#pragma once
/// The authors' training-time augmentation (science.md, "Models"; their Keras pipeline
/// RandomContrast(0.2) → RandomCrop(H−1, W−1) → Resizing(H, W) → RandomFlip("horizontal")
/// for colour data), applied to a batch before the forward pass.
#include <ATen/Tensor.h>
#include <ATen/core/Generator.h>

#include <cstdint>

#include "core/option_table.h"

namespace ufm {

/// YAML block `augmentation`.
struct AugmentationOptions {
  /// Augment training batches (the paper's "augmentation" variants).
  bool enabled = false;
  /// Random contrast: each image's factor is uniform in [1 − contrast, 1 + contrast]; in [0, 1].
  double contrast = 0.2;
  /// Side of the random square crop that is resized back; 0 = the paper's H−1 by W−1
  /// (27×27 for 28×28, 31×31 for 32×32).
  std::int64_t crop = 0;
  /// Flip horizontally with probability 0.5 when the images have 3 channels (the authors
  /// flipped CIFAR-10 only).
  bool horizontal_flip_for_colour = true;
  /// Declared once (core/option_table.h): key, default, allowed values, description.
  static const OptionTable<AugmentationOptions>& options();
  /// The YAML block these options are read from.
  static constexpr const char* kBlock = "augmentation";
  /// The declared rules, then the rules between options; ConfigError naming the key.
  void validate() const;
};

/// Augments every image of `images` (float [B, C, H, W], already normalised per channel)
/// independently: random contrast, random crop resized back bilinearly, random horizontal
/// flip (3 channels only). Returns `images` itself when disabled. Every draw comes from
/// `generator`, in a fixed order, so the result depends only on its state. Throws
/// ConfigError when the crop does not fit the images, RuntimeError for a non-4-D input.
at::Tensor augment_batch(const at::Tensor& images, const AugmentationOptions& options, at::Generator& generator);

}  // namespace ufm
