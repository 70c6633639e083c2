#include "training/batch_sampler.h"

#include <ATen/ATen.h>

#include <algorithm>

#include "training/poisson_sampler.h"

namespace ufm {

EpochBatches OrderedSampler::epoch(const TrainingView& view, at::Generator& generator) const {
  const std::int64_t n = view.size();
  EpochBatches batches;
  batches.order = view.order();
  if (shuffle_) batches.order = at::randperm(n, generator, at::TensorOptions().dtype(at::kLong));
  for (std::int64_t begin = 0; begin < n; begin += batch_size_) batches.bounds.push_back(begin);
  batches.bounds.push_back(n);
  return batches;
}

const char* sampler_name(const PrivacyOptions& privacy) {
  return privacy.enabled && privacy.poisson() ? "poisson" : "ordered";
}

BatchSamplerRegistry& batch_sampler_registry() {
  static BatchSamplerRegistry registry = [] {
    BatchSamplerRegistry r("batch sampler");
    r.add("ordered", "consecutive batches of train.batch_size, in a fixed order or shuffled each epoch (train.shuffle)",
          [](const TrainingOptions& options) -> std::shared_ptr<BatchSampler> {
            return std::make_shared<OrderedSampler>(options);
          });
    r.add("poisson", "each example in each step with probability train.batch_size / N (private training)",
          [](const TrainingOptions& options) -> std::shared_ptr<BatchSampler> {
            return std::make_shared<PoissonSampler>(options);
          });
    return r;
  }();
  return registry;
}

}  // namespace ufm
