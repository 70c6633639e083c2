#include "models/layers.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"

namespace ufm {
namespace {

std::optional<at::Generator> generator(std::uint64_t seed) { return at::make_generator<at::CPUGeneratorImpl>(seed); }

TEST(SeededDropout, KeepsAboutOneMinusRateAndScalesTheKeptValues) {
  auto g = generator(1);
  const at::Tensor x = at::full({200, 500}, 2.0);
  for (double rate : {0.2, 0.5}) {
    SCOPED_TRACE(rate);
    at::Tensor y = seeded_dropout(x, rate, /*training=*/true, g);
    const at::Tensor kept = y != 0;
    const double keep_fraction = kept.to(at::kDouble).mean().item<double>();
    // 100,000 Bernoulli draws: standard error below 0.0016, so 0.01 is over 6 sigma.
    EXPECT_NEAR(keep_fraction, 1.0 - rate, 0.01);
    EXPECT_TRUE(at::allclose(y.masked_select(kept), at::full({1}, 2.0 / (1.0 - rate))));
    // Inverted dropout keeps the expectation.
    EXPECT_NEAR(y.mean().item<double>(), 2.0, 0.05);
  }
}

TEST(SeededDropout, IsTheIdentityInEvaluationOrAtRateZeroEvenWithoutAGenerator) {
  std::optional<at::Generator> none;
  const at::Tensor x = at::randn({4, 6});
  EXPECT_TRUE(seeded_dropout(x, 0.5, /*training=*/false, none).equal(x));
  EXPECT_TRUE(seeded_dropout(x, 0.0, /*training=*/true, none).equal(x));
}

TEST(SeededDropout, TrainingWithoutAGeneratorThrows) {
  std::optional<at::Generator> none;
  EXPECT_THROW(seeded_dropout(at::ones({3}), 0.5, /*training=*/true, none), RuntimeError);
}

TEST(SeededDropout, RejectsRatesOutsideTheUnitInterval) {
  auto g = generator(1);
  EXPECT_THROW(seeded_dropout(at::ones({3}), 1.0, true, g), RuntimeError);
  EXPECT_THROW(seeded_dropout(at::ones({3}), -0.1, true, g), RuntimeError);
}

TEST(SeededDropout, DependsOnlyOnTheGeneratorNotTheGlobalRng) {
  const at::Tensor x = at::ones({1000});
  auto a = generator(5);
  auto b = generator(5);
  auto c = generator(6);
  at::Tensor ya = seeded_dropout(x, 0.5, true, a);
  at::manual_seed(123);  // moving the global generator must not matter
  at::Tensor yb = seeded_dropout(x, 0.5, true, b);
  EXPECT_TRUE(ya.equal(yb));
  EXPECT_FALSE(ya.equal(seeded_dropout(x, 0.5, true, c)));
}

TEST(SeededDropout, PassesGradientThroughTheKeptElementsOnly) {
  auto g = generator(2);
  at::Tensor x = at::ones({50}).set_requires_grad(true);
  at::Tensor y = seeded_dropout(x, 0.5, true, g);
  y.sum().backward();
  EXPECT_TRUE(x.grad().equal(y.detach()));
}

TEST(KerasBatchNorm, UsesKerasMomentumAndEpsilon) {
  auto bn1 = keras_batch_norm1d(7);
  auto bn2 = keras_batch_norm2d(5);
  // Keras momentum 0.99 keeps 99 % of the moving average: LibTorch's momentum is the other 1 %.
  EXPECT_DOUBLE_EQ(bn1->options.momentum().value(), 0.01);
  EXPECT_DOUBLE_EQ(bn1->options.eps(), 1e-3);
  EXPECT_DOUBLE_EQ(bn2->options.momentum().value(), 0.01);
  EXPECT_DOUBLE_EQ(bn2->options.eps(), 1e-3);
  EXPECT_EQ(bn2->weight.numel(), 5);
}

TEST(KerasBatchNorm, MovesTheRunningMeanOnePercentTowardsTheBatch) {
  auto bn = keras_batch_norm1d(1);
  bn->train();
  bn->forward(at::full({4, 1}, 10.0));
  EXPECT_NEAR(bn->running_mean.item<double>(), 0.1, 1e-6);
}

TEST(ApplyLayer, RecordsInputOutputNameAndKindOnlyWhenTracing) {
  torch::nn::Linear dense(3, 2);
  const at::Tensor x = at::randn({4, 3});
  LayerTrace trace;
  const at::Tensor h = apply_linear(dense, "d", x, &trace);
  ASSERT_EQ(trace.size(), 1u);
  EXPECT_EQ(trace[0].kind, "linear");
  EXPECT_EQ(trace[0].name, "d");
  EXPECT_EQ(trace[0].layer, dense.get());
  EXPECT_TRUE(trace[0].input.equal(x));
  EXPECT_TRUE(trace[0].output.equal(h));
  EXPECT_TRUE(apply_linear(dense, "d", x, nullptr).equal(h));
}

}  // namespace
}  // namespace ufm
