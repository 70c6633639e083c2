#include "features/inject.h"

#include <ATen/ATen.h>

#include "core/error.h"

namespace ufm {
namespace {

at::Tensor pattern_tensor(const Pattern& pattern) {
  std::vector<float> values(pattern.bits.begin(), pattern.bits.end());
  return at::tensor(values, at::kFloat).reshape({pattern.rows, pattern.cols});
}

}  // namespace

void check_pattern_fits(const Pattern& pattern, int offset, std::int64_t height, std::int64_t width,
                        const std::string& setting) {
  UFM_CHECK(offset >= 0 && offset + pattern.rows <= height && offset + pattern.cols <= width, ConfigError,
            setting, ": a ", pattern.rows, "x", pattern.cols, " pattern at offset ", offset,
            " does not fit in ", height, "x", width, " images");
}

at::Tensor inject_feature(const at::Tensor& images, const Pattern& pattern, int offset) {
  UFM_CHECK(images.dim() == 3 || images.dim() == 4, RuntimeError,
            "inject_feature: expected images [N,C,H,W] or [C,H,W], got ", images.dim(), " dimensions");
  check_pattern_fits(pattern, offset, images.size(-2), images.size(-1), "feature.offset");
  at::Tensor out = images.clone();
  // Replace (not add) the pixels under the pattern in every channel: the feature is
  // written over the image, as in the authors' img[o:o+5, o:o+5, :] = pattern.
  out.narrow(-2, offset, pattern.rows).narrow(-1, offset, pattern.cols).copy_(
      pattern_tensor(pattern).to(images.scalar_type()).expand_as(
          out.narrow(-2, offset, pattern.rows).narrow(-1, offset, pattern.cols)));
  return out;
}

at::Tensor inject_patches(const at::Tensor& images, const std::vector<Pattern>& patches, int offset) {
  UFM_CHECK(images.dim() == 4, RuntimeError, "inject_patches: expected images [N,C,H,W], got ", images.dim(),
            " dimensions");
  UFM_CHECK(static_cast<std::int64_t>(patches.size()) == images.size(0), RuntimeError, "inject_patches: ",
            patches.size(), " patches for ", images.size(0), " images");
  at::Tensor out = images.clone();
  if (patches.empty()) return out;
  const Pattern& first = patches.front();
  check_pattern_fits(first, offset, images.size(2), images.size(3), "random patches");
  std::vector<float> values;
  values.reserve(patches.size() * first.bits.size());
  for (const auto& patch : patches) {
    UFM_CHECK(patch.rows == first.rows && patch.cols == first.cols, RuntimeError,
              "inject_patches: patches of different sizes");
    values.insert(values.end(), patch.bits.begin(), patch.bits.end());
  }
  at::Tensor stacked = at::tensor(values, at::kFloat)
                           .reshape({images.size(0), 1, first.rows, first.cols})
                           .to(images.scalar_type());
  auto window = out.narrow(2, offset, first.rows).narrow(3, offset, first.cols);
  window.copy_(stacked.expand_as(window));
  return out;
}

}  // namespace ufm
