#pragma once
/// Per-epoch checkpoints of a model kept in memory while it trains, for TracIn.
#include <ATen/Tensor.h>

#include <cstdint>
#include <vector>

#include <torch/nn/module.h>

namespace ufm {

/// Copies of every parameter and buffer of a model (batch-norm running statistics
/// included: self-influence evaluates batch norm with them), in the module's order.
struct Checkpoint {
  std::int64_t epoch = 0;  ///< 1-based epoch after which it was taken (0 = unknown)
  std::vector<at::Tensor> parameters;
  std::vector<at::Tensor> buffers;
};

/// Detached copies of `model`'s current parameters and buffers.
Checkpoint capture_checkpoint(const torch::nn::Module& model, std::int64_t epoch = 0);

/// Copies `checkpoint` into `model`'s parameters and buffers. Throws RuntimeError when the
/// count or a shape differs (a checkpoint of another architecture).
void load_checkpoint(torch::nn::Module& model, const Checkpoint& checkpoint);

/// The checkpoints of `all` taken after the given 1-based epochs, in that order. Throws
/// RuntimeError naming an epoch that has none.
std::vector<Checkpoint> checkpoints_at(const std::vector<Checkpoint>& all, const std::vector<std::int64_t>& epochs);

}  // namespace ufm
