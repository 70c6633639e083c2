#pragma once
/// Optimisers over K models' stacked parameters ([K, ...], models/batched_model.h), with
/// a per-model active mask: a model that stopped early is not updated any more (neither
/// its parameters nor its optimiser state). Model k's update is computed by the same code
/// as FusedAdam/FusedSgd (training/optimizer_kernels.h), with its own step count, so on
/// the CPU it is bit for bit the update the model would get alone from equal gradients.
#include <ATen/Tensor.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "core/registry.h"
#include "training/adam.h"
#include "training/training_options.h"

namespace ufm {

class BatchedOptimizer {
 public:
  virtual ~BatchedOptimizer() = default;
  /// One update of every model k with active[k] (active.size() == K) from the stacked
  /// gradients; parameters without a gradient are skipped.
  virtual void step(const std::vector<bool>& active) = 0;
};

class BatchedAdam : public BatchedOptimizer {
 public:
  /// `parameters`: float32 tensors [K, ...], all with the same K.
  BatchedAdam(std::vector<at::Tensor> parameters, AdamSettings settings);
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

class BatchedSgd : public BatchedOptimizer {
 public:
  BatchedSgd(std::vector<at::Tensor> parameters, SgdSettings settings);
  void step(const std::vector<bool>& active) override;

 private:
  std::vector<at::Tensor> parameters_;
  std::vector<at::Tensor> velocity_;
  SgdSettings settings_;
};

using BatchedOptimizerRegistry =
    Registry<std::unique_ptr<BatchedOptimizer>, std::vector<at::Tensor>, const TrainingOptions&>;

/// The same names as optimizer_registry() (a test checks it).
BatchedOptimizerRegistry& batched_optimizer_registry();

/// The batched optimiser named by options.optimizer.
std::unique_ptr<BatchedOptimizer> make_batched_optimizer(std::vector<at::Tensor> parameters,
                                                         const TrainingOptions& options);

}  // namespace ufm
