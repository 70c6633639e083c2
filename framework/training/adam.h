#pragma once
/// Adam in one pass over each parameter's memory (Kingma & Ba 2015, Algorithm 1, with
/// PyTorch's placement of ε: p −= lr/(1−β1^t) · m / (sqrt(v)/sqrt(1−β2^t) + ε)).
/// LibTorch's Adam makes ~10 full passes over parameters, gradients and state per step,
/// costing as much as the forward and backward passes of the MLP (shared/measured.md);
/// this one reads and writes each array once. It agrees with torch::optim::Adam to
/// float rounding (tests/training/adam_test.cpp).
#include <ATen/Tensor.h>

#include <cstdint>
#include <vector>

namespace ufm {

struct AdamSettings {
  double learning_rate = 3e-4;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-7;
};

class FusedAdam {
 public:
  /// Parameters must be contiguous float32 CPU tensors (or any device: then the update
  /// falls back to tensor operations).
  FusedAdam(std::vector<at::Tensor> parameters, AdamSettings settings);

  /// One update from the parameters' current gradients (a parameter without a gradient
  /// is skipped). Gradients are left untouched.
  void step();

  std::int64_t steps() const { return step_; }

 private:
  std::vector<at::Tensor> parameters_;
  std::vector<at::Tensor> first_moment_;
  std::vector<at::Tensor> second_moment_;
  AdamSettings settings_;
  std::int64_t step_ = 0;
};

}  // namespace ufm
