#pragma once
/// Writing a pattern over image pixels. Images are in [0,1] and not yet normalised;
/// injection replaces pixels (it does not add), in every channel.
#include <ATen/Tensor.h>

#include <vector>

#include "features/pattern.h"

namespace ufm {

/// A copy of `images` ([N,C,H,W] or [C,H,W]) with `pattern` written at (offset, offset)
/// in every image. Throws ConfigError when the pattern does not fit at the offset.
at::Tensor inject_feature(const at::Tensor& images, const Pattern& pattern, int offset);

/// A copy of `images` [N,C,H,W] with patches[i] written into image i.
at::Tensor inject_patches(const at::Tensor& images, const std::vector<Pattern>& patches, int offset);

/// Throws ConfigError naming `setting` when a rows×cols pattern at `offset` does not fit in height×width.
void check_pattern_fits(const Pattern& pattern, int offset, std::int64_t height, std::int64_t width,
                        const std::string& setting);

}  // namespace ufm
