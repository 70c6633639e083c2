#pragma once
/// The interface every model satisfies: images in, logits out. Scoring code applies
/// log_softmax itself.
#include <torch/nn/module.h>

#include <cstdint>
#include <string>

namespace ufm {

struct InputShape {
  std::int64_t channels = 1;
  std::int64_t height = 28;
  std::int64_t width = 28;
  std::int64_t classes = 10;
};

class Classifier : public torch::nn::Module {
 public:
  /// x: float32 [N, C, H, W], normalised. Returns logits [N, classes].
  virtual at::Tensor forward(const at::Tensor& x) = 0;
};

}  // namespace ufm
