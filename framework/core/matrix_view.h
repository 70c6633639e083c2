#pragma once
/// A read-only row-major view of a float matrix, so that scoring and storage code can
/// take model outputs without depending on LibTorch.
#include <cstdint>

namespace ufm {

struct MatrixView {
  const float* data = nullptr;
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  const float* row(std::int64_t i) const { return data + i * cols; }
};

}  // namespace ufm
