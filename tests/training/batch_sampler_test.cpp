// The paper's batch sampler: consecutive batches in a fixed order, or shuffled from the
// model's own generator.
#include "training/batch_sampler.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

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

TEST(BatchSamplerRegistry, OffersThePapersSampler) {
  EXPECT_TRUE(batch_sampler_registry().contains("ordered"));
  EXPECT_THROW(batch_sampler_registry().create("poison", TrainingOptions{}), ConfigError);
}

}  // namespace
}  // namespace ufm
