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

void drop_removed(EpochBatches& batches, const TrainingView& view) {
  const std::vector<std::int64_t>& removed = view.removed();
  if (removed.empty()) return;
  const std::int64_t n = batches.bounds.empty() ? 0 : batches.bounds.back();
  const at::Tensor order =
      batches.order.defined() ? batches.order.to(at::kCPU).contiguous() : at::arange(n, at::TensorOptions().dtype(at::kLong));
  const auto* visit = order.data_ptr<std::int64_t>();
  std::vector<std::int64_t> kept;
  kept.reserve(static_cast<std::size_t>(n));
  std::vector<std::int64_t> bounds{0};
  for (std::size_t step = 0; step + 1 < batches.bounds.size(); ++step) {
    for (std::int64_t i = batches.bounds[step]; i < batches.bounds[step + 1]; ++i) {
      if (std::find(removed.begin(), removed.end(), visit[i]) == removed.end()) kept.push_back(visit[i]);
    }
    bounds.push_back(static_cast<std::int64_t>(kept.size()));
  }
  batches.order = at::tensor(kept, at::TensorOptions().dtype(at::kLong));
  batches.bounds = std::move(bounds);
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
