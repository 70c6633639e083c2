#pragma once
/// Adam and SGD over stacked models (training/optimizer.h).
///
/// Adam in one pass over each model's slice of each parameter (Kingma & Ba 2015,
/// Algorithm 1, with PyTorch's placement of ε: p −= lr/(1−β1^t) · m / (sqrt(v)/sqrt(1−β2^t) + ε)).
/// LibTorch's Adam makes ~10 full passes over parameters, gradients and state per step,
/// costing as much as the forward and backward passes of the MLP (shared/measured.md);
/// this one reads and writes each array once. It agrees with torch::optim::Adam to float
/// rounding (tests/training/adam_test.cpp).
#include <ATen/Tensor.h>

#include <cstdint>
#include <vector>

#include "training/optimizer.h"

namespace ufm {

struct AdamSettings {
  double learning_rate = 3e-4;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-7;
  WeightDecay weight_decay;
};

class Adam : public Optimizer {
 public:
  /// `parameters`: float32 tensors [K, ...], all with the same K. Contiguous CPU ones take
  /// the fused loop, others (GPU, strided) the same arithmetic as tensor operations.
  Adam(std::vector<at::Tensor> parameters, AdamSettings settings);
  void step(const std::vector<bool>& active) override;
  /// Updates model k has had.
  std::int64_t steps(std::int64_t k) const { return steps_.at(static_cast<std::size_t>(k)); }

 private:
  std::vector<at::Tensor> parameters_;
  std::vector<at::Tensor> first_moment_;
  std::vector<at::Tensor> second_moment_;
  AdamSettings settings_;
  std::vector<std::int64_t> steps_;
};

/// SGD with momentum, PyTorch's form: v ← μ·v + g; p ← p − lr·v.
struct SgdSettings {
  double learning_rate = 0.01;
  double momentum = 0.9;
  WeightDecay weight_decay;
};

class Sgd : public Optimizer {
 public:
  Sgd(std::vector<at::Tensor> parameters, SgdSettings settings);
  void step(const std::vector<bool>& active) override;

 private:
  std::vector<at::Tensor> parameters_;
  std::vector<at::Tensor> velocity_;
  SgdSettings settings_;
};

/// The settings that train.* gives (learning_rate, beta1, beta2, epsilon or momentum,
/// weight_decay and weight_decay_mode).
AdamSettings adam_settings(const TrainingOptions& options);
SgdSettings sgd_settings(const TrainingOptions& options);

}  // namespace ufm
