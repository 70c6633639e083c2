#include "data/image_dataset.h"

#include <ATen/ATen.h>

#include <cstring>

#include "core/error.h"

namespace ufm {

std::int64_t ImageSplit::size() const { return images.defined() ? images.size(0) : 0; }

std::int64_t ImageDataset::channels() const { return train.images.size(1); }
std::int64_t ImageDataset::height() const { return train.images.size(2); }
std::int64_t ImageDataset::width() const { return train.images.size(3); }

at::Tensor to_unit_tensor(const RawImages& raw) {
  const std::int64_t expected = raw.count * raw.channels * raw.height * raw.width;
  UFM_CHECK(static_cast<std::int64_t>(raw.pixels.size()) == expected, RuntimeError, "to_unit_tensor: expected ",
            expected, " pixels for ", raw.count, "x", raw.channels, "x", raw.height, "x", raw.width, ", found ",
            raw.pixels.size());
  at::Tensor bytes = at::empty({raw.count, raw.channels, raw.height, raw.width}, at::kByte);
  if (expected > 0) std::memcpy(bytes.data_ptr<std::uint8_t>(), raw.pixels.data(), raw.pixels.size());
  return bytes.to(at::kFloat).div_(255.0);
}

at::Tensor to_label_tensor(const std::vector<std::int64_t>& labels) {
  at::Tensor out = at::empty({static_cast<std::int64_t>(labels.size())}, at::kLong);
  if (!labels.empty()) std::memcpy(out.data_ptr<std::int64_t>(), labels.data(), labels.size() * sizeof(std::int64_t));
  return out;
}

at::Tensor normalise(const at::Tensor& images, const Normalisation& normalisation) {
  UFM_CHECK(images.dim() == 3 || images.dim() == 4, RuntimeError,
            "normalise: expected images [N,C,H,W] or [C,H,W], found ", images.dim(), " dimensions");
  const std::int64_t channels = images.size(images.dim() - 3);
  UFM_CHECK(normalisation.mean.size() == static_cast<std::size_t>(channels) &&
                normalisation.std.size() == static_cast<std::size_t>(channels),
            RuntimeError, "normalise: images have ", channels, " channels but the normalisation has ",
            normalisation.mean.size(), " means and ", normalisation.std.size(), " standard deviations");
  for (double s : normalisation.std) {
    UFM_CHECK(s > 0, RuntimeError, "normalise: expected positive standard deviations, found ", s);
  }
  const auto options = at::TensorOptions().dtype(images.scalar_type()).device(images.device());
  const at::Tensor mean = at::tensor(normalisation.mean, at::kDouble).to(options).view({channels, 1, 1});
  const at::Tensor std = at::tensor(normalisation.std, at::kDouble).to(options).view({channels, 1, 1});
  return (images - mean) / std;
}

ImageSplit take_first(const ImageSplit& split, std::int64_t limit) {
  if (limit <= 0 || limit >= split.size()) return split;
  return ImageSplit{split.images.narrow(0, 0, limit), split.labels.narrow(0, 0, limit)};
}

}  // namespace ufm
