#include "training/poisson_sampler.h"

#include <ATen/ATen.h>

#include <algorithm>

namespace ufm {

double PoissonSampler::rate(std::int64_t n) const {
  return n > 0 ? std::min(1.0, static_cast<double>(batch_size_) / static_cast<double>(n)) : 0.0;
}

std::int64_t PoissonSampler::steps(std::int64_t n) const { return (n + batch_size_ - 1) / batch_size_; }

EpochBatches PoissonSampler::epoch(const TrainingView& view, at::Generator& generator) const {
  const std::int64_t n = view.size();
  const double q = rate(n);
  EpochBatches batches;
  std::vector<at::Tensor> chosen;
  batches.bounds.push_back(0);
  for (std::int64_t step = 0; step < steps(n); ++step) {
    const at::Tensor draws = at::rand({n}, generator, at::TensorOptions().dtype(at::kDouble));
    const at::Tensor members = at::nonzero(draws.lt(q)).view({-1});
    chosen.push_back(members);
    batches.bounds.push_back(batches.bounds.back() + members.numel());
  }
  batches.order = chosen.empty() ? at::empty({0}, at::kLong) : at::cat(chosen);
  return batches;
}

}  // namespace ufm
