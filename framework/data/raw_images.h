#pragma once
/// Images as read from disk: 8-bit pixels in NCHW order, no LibTorch needed.
#include <cstdint>
#include <vector>

namespace ufm {

struct RawImages {
  std::int64_t count = 0;
  std::int64_t channels = 0;
  std::int64_t height = 0;
  std::int64_t width = 0;
  std::vector<std::uint8_t> pixels;  ///< count*channels*height*width, NCHW
};

}  // namespace ufm
