#include "data/ood_adapter.h"

#include <ATen/ATen.h>

#include "core/error.h"

namespace ufm {
namespace {

at::Tensor adapt_channels(const at::Tensor& images, std::int64_t channels) {
  const std::int64_t from = images.size(1);
  if (from == channels) return images;
  if (from == 3 && channels == 1) {
    // ITU-R 601 luma weights, as in the authors' grey-scaling of CIFAR-10.
    return images.narrow(1, 0, 1) * 0.2989 + images.narrow(1, 1, 1) * 0.5870 + images.narrow(1, 2, 1) * 0.1140;
  }
  if (from == 1) return images.expand({images.size(0), channels, images.size(2), images.size(3)}).contiguous();
  UFM_CHECK(false, RuntimeError, "adapt_images: cannot adapt ", from, "-channel images to ", channels,
            " channels (supported: 3 to 1, 1 to any)");
  return images;
}

}  // namespace

at::Tensor adapt_images(const at::Tensor& images, std::int64_t channels, std::int64_t height, std::int64_t width) {
  UFM_CHECK(images.dim() == 4, RuntimeError, "adapt_images: expected images [N,C,H,W], found ", images.dim(),
            " dimensions");
  UFM_CHECK(channels > 0 && height > 0 && width > 0, RuntimeError,
            "adapt_images: expected a positive target shape, got ", channels, "x", height, "x", width);
  at::Tensor out = adapt_channels(images, channels);
  if (out.size(2) != height || out.size(3) != width) {
    out = at::upsample_bilinear2d(out, {height, width}, /*align_corners=*/false);
  }
  // Bilinear weights are convex, so this only removes rounding overshoot.
  return out.clamp(0.0, 1.0);
}

ImageSplit load_ood_images(const OodOptions& options, std::int64_t channels, std::int64_t height,
                           std::int64_t width) {
  options.validate();
  DatasetOptions dataset_options;
  dataset_options.name = options.dataset;
  dataset_options.path = options.path;
  const ImageDataset dataset = load_dataset(dataset_options);
  ImageSplit split;
  if (options.split == OodSplit::kTrain) {
    split = dataset.train;
  } else if (options.split == OodSplit::kTest) {
    split = dataset.test;
  } else if (options.limit > 0 && options.limit <= dataset.train.size()) {
    split = dataset.train;  // the limit falls inside the training part: no need to copy both
  } else {
    split = ImageSplit{at::cat({dataset.train.images, dataset.test.images}),
                       at::cat({dataset.train.labels, dataset.test.labels})};
  }
  split = take_first(split, options.limit);
  return ImageSplit{adapt_images(split.images, channels, height, width), split.labels};
}

}  // namespace ufm
