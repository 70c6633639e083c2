#pragma once
/// Poisson sampling, the sampler DP-SGD's accountants assume (Abadi et al. 2016, §3.1;
/// Mironov, Talwar, Zhang 2019, "Rényi differential privacy of the sampled Gaussian
/// mechanism"): in each step every example joins the batch independently with probability
/// q = train.batch_size / N, so batch sizes vary (mean train.batch_size). An epoch is
/// ceil(N / train.batch_size) steps, as with fixed batches.
#include "training/batch_sampler.h"

namespace ufm {

class PoissonSampler : public BatchSampler {
 public:
  explicit PoissonSampler(const TrainingOptions& options) : batch_size_(options.batch_size) {}
  /// Step s's batch is every example i (in index order) whose uniform draw u_{s,i} < q,
  /// the N draws of each step taken from `generator` in step order.
  EpochBatches epoch(const TrainingView& view, at::Generator& generator) const override;

  /// q for a training set of n examples.
  double rate(std::int64_t n) const;
  std::int64_t steps(std::int64_t n) const;

 private:
  std::int64_t batch_size_;
};

}  // namespace ufm
