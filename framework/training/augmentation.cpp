#include "training/augmentation.h"

#include <ATen/ATen.h>

#include <vector>

#include "core/error.h"

// Why augmenting normalised images is the same as augmenting [0,1] images and then
// normalising: normalisation is z = (x − μ_c)/σ_c with constants per channel, an affine map
// with positive scale applied to every pixel of a channel, and each step commutes with it.
//  - Contrast: the per-image, per-channel mean transforms the same way, mean(z) = (mean(x) − μ)/σ,
//    so (z − mean z)·f + mean z = ((x − mean x)·f + mean x − μ)/σ.
//  - Bilinear resizing: every output pixel is a convex combination (weights summing to 1) of
//    input pixels of the same channel, and convex combinations commute with affine maps.
//  - Crop and flip only select and reorder pixels.
// The contrast output is not clipped (like tf.image.adjust_contrast). A factor f > 1 moves
// pixels away from the mean, so on [0,1] images dark pixels go below 0 and bright ones above
// 1: with f = 1.2 a black pixel in an image of mean 0.13 becomes −0.026. Keras' RandomContrast
// clips its output in some versions and not in others; a version that clips at 0 zeroes those
// pixels, which this code does not reproduce.

namespace ufm {

const OptionTable<AugmentationOptions>& AugmentationOptions::options() {
  static const OptionTable<AugmentationOptions> table = [] {
    OptionTable<AugmentationOptions> t;
    t.add("enabled", &AugmentationOptions::enabled, "augment training batches (contrast, crop+resize, flip)")
        .add("contrast", &AugmentationOptions::contrast, "random contrast factor range 1 ± contrast")
        .at_least(0)
        .at_most(1)
        .add("crop", &AugmentationOptions::crop, "random square crop side resized back (0 = H-1)")
        .at_least(0, "0 for the paper's H-1")
        .add("horizontal_flip_for_colour", &AugmentationOptions::horizontal_flip_for_colour,
             "random horizontal flips for 3-channel images");
    return t;
  }();
  return table;
}

void AugmentationOptions::validate() const { check_options(options(), *this, kBlock); }

at::Tensor augment_batch(const at::Tensor& images, const AugmentationOptions& options, at::Generator& generator) {
  if (!options.enabled) return images;
  options.validate();
  UFM_CHECK(images.dim() == 4, RuntimeError, "augment_batch: expected images [B, C, H, W], got ", images.dim(),
            " dimensions");
  const std::int64_t batch = images.size(0), channels = images.size(1);
  const std::int64_t height = images.size(2), width = images.size(3);
  const std::int64_t crop_height = options.crop > 0 ? options.crop : height - 1;
  const std::int64_t crop_width = options.crop > 0 ? options.crop : width - 1;
  UFM_CHECK(crop_height >= 1 && crop_width >= 1 && crop_height <= height && crop_width <= width, ConfigError,
            "augmentation.crop: a ", crop_height, "x", crop_width, " crop does not fit ", height, "x", width, " images");
  if (batch == 0) return images;

  at::NoGradGuard no_grad;
  const auto cpu_float = at::TensorOptions().dtype(at::kFloat);
  const auto cpu_long = at::TensorOptions().dtype(at::kLong);
  const c10::optional<at::Generator> draw(generator);

  // All draws up front, in a fixed order, on the CPU, so the result does not depend on
  // the device or on which steps happen to be no-ops.
  at::Tensor factors = at::ones({batch, 1, 1, 1}, cpu_float);
  if (options.contrast > 0.0) factors.uniform_(1.0 - options.contrast, 1.0 + options.contrast, draw);
  const at::Tensor tops = at::randint(0, height - crop_height + 1, {batch}, draw, cpu_long);
  const at::Tensor lefts = at::randint(0, width - crop_width + 1, {batch}, draw, cpu_long);
  const bool may_flip = options.horizontal_flip_for_colour && channels == 3;
  at::Tensor flips = at::zeros({batch}, cpu_float);
  if (may_flip) flips.bernoulli_(0.5, draw);

  // Random contrast (tf.image.adjust_contrast): per image and channel, around the mean.
  const at::Tensor mean = images.mean({2, 3}, /*keepdim=*/true);
  at::Tensor out = (images - mean) * factors.to(images.device(), images.scalar_type()) + mean;

  // Random crop at a uniform position, resized back with half-pixel centres (Keras'
  // Resizing, bilinear without antialiasing = align_corners false).
  if (crop_height != height || crop_width != width) {
    const auto top = tops.accessor<std::int64_t, 1>();
    const auto left = lefts.accessor<std::int64_t, 1>();
    std::vector<at::Tensor> crops;
    crops.reserve(batch);
    for (std::int64_t i = 0; i < batch; ++i) {
      crops.push_back(out[i].narrow(1, top[i], crop_height).narrow(2, left[i], crop_width));
    }
    out = at::upsample_bilinear2d(at::stack(crops), {height, width}, /*align_corners=*/false);
  }

  if (may_flip) {
    const at::Tensor flip = flips.to(images.device()).to(at::kBool).view({batch, 1, 1, 1});
    out = at::where(flip, out.flip({3}), out);
  }
  return out;
}

}  // namespace ufm
