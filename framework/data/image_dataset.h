#pragma once
/// An in-memory image classification dataset as LibTorch tensors.
/// Pixels are kept scaled to [0,1] and NOT normalised: the unique feature is written
/// onto [0,1] pixels (science.md), and normalisation is applied afterwards.
#include <ATen/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

#include "data/raw_images.h"

namespace ufm {

struct ImageSplit {
  at::Tensor images;  ///< float32 [N, C, H, W] in [0,1]
  at::Tensor labels;  ///< int64 [N]
  std::int64_t size() const;
};

/// Per-channel constants of `(x - mean) / std`.
struct Normalisation {
  std::vector<double> mean;
  std::vector<double> std;
};

struct ImageDataset {
  std::string name;
  ImageSplit train;
  ImageSplit test;
  std::int64_t num_classes = 10;
  Normalisation normalisation;
  std::int64_t channels() const;
  std::int64_t height() const;
  std::int64_t width() const;
};

/// uint8 pixels → float32 tensor in [0,1].
at::Tensor to_unit_tensor(const RawImages& raw);

/// int64 label vector → tensor.
at::Tensor to_label_tensor(const std::vector<std::int64_t>& labels);

/// (images - mean) / std per channel; images are [N, C, H, W] or [C, H, W].
at::Tensor normalise(const at::Tensor& images, const Normalisation& normalisation);

/// The first `limit` examples (all when limit <= 0 or limit >= size).
ImageSplit take_first(const ImageSplit& split, std::int64_t limit);

}  // namespace ufm
