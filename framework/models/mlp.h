#pragma once
/// The paper's MLP: flatten → 512 ReLU → 256 ReLU → classes (535,818 parameters on 28×28×1).
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/linear.h>

#include <vector>

#include "models/classifier.h"

namespace ufm {

class Mlp : public Classifier {
 public:
  Mlp(const InputShape& shape, const std::vector<std::int64_t>& hidden);
  at::Tensor forward_traced(const at::Tensor& x, LayerTrace* trace) override;

 private:
  std::vector<torch::nn::Linear> layers_;
};

}  // namespace ufm
