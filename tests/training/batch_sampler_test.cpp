// The paper's batch sampler: consecutive batches in a fixed order, or shuffled from the
// model's own generator.
#include "training/batch_sampler.h"
#include "training/poisson_sampler.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/error.h"

namespace ufm {
namespace {

TrainingView view_of(std::int64_t n) {
  return TrainingView(at::zeros({n, 1, 2, 2}), at::zeros({n}, at::kLong));
}

TEST(OrderedSampler, CutsConsecutiveBatchesWithAShortLastOneInTheViewsOrder) {
  TrainingOptions options;
  options.batch_size = 4;
  TrainingView view = view_of(10);
  view.set_order(at::arange(9, -1, -1, at::kLong));
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(1);
  const EpochBatches batches = OrderedSampler(options).epoch(view, generator);
  EXPECT_EQ(batches.bounds, (std::vector<std::int64_t>{0, 4, 8, 10}));
  EXPECT_EQ(batches.steps(), 3);
  EXPECT_TRUE(batches.order.equal(view.order()));
}

TEST(OrderedSampler, ShufflesAFreshPermutationFromTheGeneratorEachEpoch) {
  TrainingOptions options;
  options.batch_size = 3;
  options.shuffle = true;
  const TrainingView view = view_of(50);
  at::Generator a = at::make_generator<at::CPUGeneratorImpl>(7), b = at::make_generator<at::CPUGeneratorImpl>(7);
  const OrderedSampler sampler(options);
  const EpochBatches first = sampler.epoch(view, a), again = sampler.epoch(view, b);
  EXPECT_TRUE(first.order.equal(again.order));  // the same seed, the same order
  EXPECT_TRUE(std::get<0>(first.order.sort()).equal(at::arange(50, at::kLong)));
  EXPECT_FALSE(sampler.epoch(view, a).order.equal(first.order));  // the next epoch draws anew
  EXPECT_EQ(first.bounds.back(), 50);
}

// Property: Poisson sampling takes ceil(N/B) steps per epoch, each example joining each
// step independently with probability q = B/N: batch sizes average B with the binomial
// spread, every example is used at rate q, a batch lists examples once in index order,
// and the same seed draws the same batches.
TEST(PoissonSampler, DrawsEachExampleIndependentlyWithRateBatchSizeOverN) {
  TrainingOptions options;
  options.batch_size = 20;
  const std::int64_t n = 400;
  const TrainingView view = view_of(n);
  const PoissonSampler sampler(options);
  EXPECT_DOUBLE_EQ(sampler.rate(n), 0.05);
  at::Generator a = at::make_generator<at::CPUGeneratorImpl>(3), b = at::make_generator<at::CPUGeneratorImpl>(3);
  at::Tensor uses = at::zeros({n}, at::kLong);
  std::int64_t steps = 0, total = 0;
  double squares = 0;
  for (int epoch = 0; epoch < 50; ++epoch) {
    const EpochBatches batches = sampler.epoch(view, a);
    EXPECT_EQ(batches.steps(), 20);
    if (epoch == 0) EXPECT_TRUE(batches.order.equal(sampler.epoch(view, b).order));
    for (std::int64_t s = 0; s < batches.steps(); ++s) {
      const at::Tensor members = batches.order.slice(0, batches.bounds[s], batches.bounds[s + 1]);
      if (members.numel() > 1) EXPECT_TRUE((members.slice(0, 1) > members.slice(0, 0, -1)).all().item<bool>());
      uses.index_add_(0, members, at::ones_like(members));
      const double size = static_cast<double>(members.numel());
      total += members.numel();
      squares += size * size;
      ++steps;
    }
  }
  const double mean = static_cast<double>(total) / steps, variance = squares / steps - mean * mean;
  EXPECT_NEAR(mean, 20.0, 5 * std::sqrt(19.0 / steps));
  EXPECT_NEAR(variance, 19.0, 5 * 19.0 * std::sqrt(2.0 / steps));  // n q (1 − q)
  // Each example used about steps·q = 50 times (binomial sd ≈ 6.9).
  EXPECT_NEAR(uses.to(at::kDouble).mean().item<double>(), 50.0, 1.0);
  EXPECT_LT((uses.to(at::kDouble) - 50.0).abs().max().item<double>(), 35.0);
}

TEST(BatchSamplerRegistry, OffersThePapersSamplerAndPoissonSampling) {
  EXPECT_TRUE(batch_sampler_registry().contains("ordered"));
  EXPECT_TRUE(batch_sampler_registry().contains("poisson"));
  EXPECT_THROW(batch_sampler_registry().create("poison", TrainingOptions{}), ConfigError);
}

// Property: a removed example leaves the batch it falls in and nothing else changes: every
// other batch holds the same examples in the same order, the step count is the same, and the
// removed example appears nowhere (the retain set and unlearning's reference (a)).
TEST(DropRemoved, TakesTheRemovedExamplesOutOfTheirOwnBatchesOnly) {
  TrainingOptions options;
  options.batch_size = 4;
  options.shuffle = true;
  TrainingView view = view_of(18);
  at::Generator a = at::make_generator<at::CPUGeneratorImpl>(5), b = at::make_generator<at::CPUGeneratorImpl>(5);
  const OrderedSampler sampler(options);
  const EpochBatches full = sampler.epoch(view, a);
  view.set_removed({3, 11});
  EpochBatches dropped = sampler.epoch(view, b);
  drop_removed(dropped, view);
  ASSERT_EQ(dropped.steps(), full.steps());
  const auto* before = full.order.data_ptr<std::int64_t>();
  const auto* after = dropped.order.data_ptr<std::int64_t>();
  std::int64_t removed_seen = 0;
  for (std::int64_t step = 0; step < full.steps(); ++step) {
    std::vector<std::int64_t> expected;
    for (std::int64_t i = full.bounds[step]; i < full.bounds[step + 1]; ++i) {
      if (before[i] == 3 || before[i] == 11) {
        ++removed_seen;
      } else {
        expected.push_back(before[i]);
      }
    }
    const std::vector<std::int64_t> got(after + dropped.bounds[step], after + dropped.bounds[step + 1]);
    EXPECT_EQ(got, expected) << "step " << step;
  }
  EXPECT_EQ(removed_seen, 2);
  EXPECT_EQ(dropped.bounds.back(), 16);
}

TEST(DropRemoved, LeavesBatchesAloneWhenNothingIsRemoved) {
  TrainingOptions options;
  options.batch_size = 4;
  const TrainingView view = view_of(10);
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(1);
  EpochBatches batches = OrderedSampler(options).epoch(view, generator);
  const std::vector<std::int64_t> bounds = batches.bounds;
  drop_removed(batches, view);
  EXPECT_EQ(batches.bounds, bounds);
}

TEST(TrainingView, RefusesARemovedIndexOutsideTheSet) {
  TrainingView view = view_of(10);
  EXPECT_THROW(view.set_removed({10}), RuntimeError);
}

}  // namespace
}  // namespace ufm
