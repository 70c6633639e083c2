#pragma once
/// The batch-sampler seam of the trainer (training/trainer.h): which examples each step of
/// an epoch trains on, for one model, drawn from that model's own generator. A new sampler
/// (private training's Poisson sampling) is one .h/.cpp pair and one line in
/// batch_sampler_registry().
#include <ATen/Tensor.h>
#include <ATen/core/Generator.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "core/registry.h"
#include "training/batches.h"
#include "training/privacy_options.h"
#include "training/training_options.h"

namespace ufm {

/// One model's batches of one epoch: step s trains on order[bounds[s] : bounds[s + 1]]
/// (TrainingView::batch). Models trained together take the same number of steps; where
/// their batches differ in size the trainer pads the stack (StepBatch::rows).
struct EpochBatches {
  at::Tensor order;                   ///< examples in visiting order; undefined = 0 … N − 1
  std::vector<std::int64_t> bounds;   ///< 0 = bounds[0] ≤ bounds[1] ≤ …; a batch may be empty
  std::int64_t steps() const { return bounds.empty() ? 0 : static_cast<std::int64_t>(bounds.size()) - 1; }
};

class BatchSampler {
 public:
  virtual ~BatchSampler() = default;
  /// The epoch's batches over `view`; every random draw comes from `generator`.
  virtual EpochBatches epoch(const TrainingView& view, at::Generator& generator) const = 0;
};

/// The paper's sampler: consecutive batches of train.batch_size (the last one shorter) in
/// the view's fixed order, or in a fresh permutation each epoch with train.shuffle.
class OrderedSampler : public BatchSampler {
 public:
  explicit OrderedSampler(const TrainingOptions& options) : batch_size_(options.batch_size), shuffle_(options.shuffle) {}
  EpochBatches epoch(const TrainingView& view, at::Generator& generator) const override;

 private:
  std::int64_t batch_size_;
  bool shuffle_;
};

/// Drops the view's removed examples (TrainingView::set_removed) from `batches`: each leaves
/// the batch it is in, which becomes one shorter; every other batch keeps its examples, so a
/// model trained on the result differs from the full training only where a removed example
/// was. Nothing happens when the view removes none.
void drop_removed(EpochBatches& batches, const TrainingView& view);

using BatchSamplerRegistry = Registry<std::shared_ptr<BatchSampler>, const TrainingOptions&>;

/// The registry's name of the sampler the options ask for: "poisson" under private
/// training with Poisson sampling, else "ordered".
const char* sampler_name(const PrivacyOptions& privacy);

BatchSamplerRegistry& batch_sampler_registry();

}  // namespace ufm
