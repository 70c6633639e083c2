#include "training/adam.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>
#include <torch/optim/adam.h>

namespace ufm {
namespace {

// Runs `steps` updates of both optimisers on identical parameters with identical
// gradients, and returns the largest absolute difference of the parameters.
double max_difference_after(int steps, std::int64_t size) {
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(5);
  at::Tensor start = at::randn({size}, generator);
  at::Tensor ours = start.unsqueeze(0).clone().set_requires_grad(true);  // one model, stacked
  at::Tensor reference = start.clone().set_requires_grad(true);
  Adam fused({ours}, AdamSettings{1e-3, 0.9, 0.999, 1e-7});
  torch::optim::Adam library({reference}, torch::optim::AdamOptions(1e-3).betas({0.9, 0.999}).eps(1e-7));
  for (int step = 0; step < steps; ++step) {
    at::Tensor gradient = at::randn({size}, generator);
    ours.mutable_grad() = gradient.unsqueeze(0).clone();
    reference.mutable_grad() = gradient.clone();
    fused.step({true});
    library.step();
  }
  return (ours[0] - reference).abs().max().item<double>();
}

// Parameters are N(0,1), up to ~5 in magnitude, where one float ulp is 4.8e-7; each
// step moves them by about lr = 1e-3. Agreement to a few ulps is agreement to 0.1 % of a step.
TEST(Adam, MatchesLibTorchAdamAfterOneStep) { EXPECT_LT(max_difference_after(1, 100000), 1e-6); }

TEST(Adam, MatchesLibTorchAdamAfterTenSteps) {
  // Rounding differences grow with the steps (shared/measured.md), but stay far below
  // the update size (lr = 1e-3 per step) over a few steps.
  EXPECT_LT(max_difference_after(10, 100000), 2e-6);
}

TEST(Adam, SkipsParametersWithoutGradient) {
  at::Tensor p = at::ones({1, 4}).set_requires_grad(true);
  Adam adam({p}, AdamSettings{});
  adam.step({true});
  EXPECT_TRUE(p.eq(1).all().item<bool>());
  EXPECT_EQ(adam.steps(0), 1);
}

TEST(Adam, FirstStepMovesEachWeightByTheLearningRate) {
  // With bias correction, the first Adam step is lr · g/|g| (up to ε) for every element.
  at::Tensor p = at::zeros({1, 3}).set_requires_grad(true);
  Adam adam({p}, AdamSettings{0.01, 0.9, 0.999, 1e-7});
  p.mutable_grad() = at::tensor({2.0f, -0.5f, 7.0f}).unsqueeze(0);
  adam.step({true});
  EXPECT_NEAR(p[0][0].item<float>(), -0.01, 1e-7);
  EXPECT_NEAR(p[0][1].item<float>(), 0.01, 1e-7);
  EXPECT_NEAR(p[0][2].item<float>(), -0.01, 1e-7);
}

}  // namespace
}  // namespace ufm

#include <torch/optim/adamw.h>
#include <torch/optim/sgd.h>

namespace ufm {
namespace {

// Same gradients into our optimiser and LibTorch's on one 2-D parameter (weight decay
// applies to matrices only); returns the largest parameter difference after `steps`.
template <typename Make>
double difference_to_library(Make make_library, Optimizer& ours_optimizer, at::Tensor& ours, at::Tensor& reference,
                             int steps) {
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(8);
  auto library = make_library(reference);
  for (int step = 0; step < steps; ++step) {
    at::Tensor gradient = at::randn(reference.sizes(), generator);
    ours.mutable_grad() = gradient.unsqueeze(0).clone();
    reference.mutable_grad() = gradient.clone();
    ours_optimizer.step({true});
    library->step();
  }
  return (ours[0] - reference).abs().max().item<double>();
}

struct Pair {
  at::Tensor ours;
  at::Tensor reference;
  Pair() {
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(9);
    at::Tensor start = at::randn({300, 200}, generator);
    ours = start.unsqueeze(0).clone().set_requires_grad(true);  // one model, stacked
    reference = start.clone().set_requires_grad(true);
  }
};

TEST(Adam, L2WeightDecayMatchesLibTorchAdamWeightDecay) {
  Pair pair;
  Adam ours({pair.ours}, AdamSettings{1e-3, 0.9, 0.999, 1e-7, WeightDecay{0.1, false}});
  const double difference = difference_to_library(
      [](at::Tensor& p) {
        return std::make_unique<torch::optim::Adam>(std::vector<at::Tensor>{p},
                                                    torch::optim::AdamOptions(1e-3).eps(1e-7).weight_decay(0.1));
      },
      ours, pair.ours, pair.reference, 5);
  EXPECT_LT(difference, 2e-6);
}

TEST(Adam, DecoupledWeightDecayMatchesLibTorchAdamW) {
  Pair pair;
  Adam ours({pair.ours}, AdamSettings{1e-3, 0.9, 0.999, 1e-7, WeightDecay{0.1, true}});
  const double difference = difference_to_library(
      [](at::Tensor& p) {
        return std::make_unique<torch::optim::AdamW>(std::vector<at::Tensor>{p},
                                                     torch::optim::AdamWOptions(1e-3).eps(1e-7).weight_decay(0.1));
      },
      ours, pair.ours, pair.reference, 5);
  EXPECT_LT(difference, 2e-6);
}

TEST(Sgd, MatchesLibTorchSgdWithMomentumAndWeightDecay) {
  Pair pair;
  Sgd ours({pair.ours}, SgdSettings{0.01, 0.9, WeightDecay{0.05, false}});
  const double difference = difference_to_library(
      [](at::Tensor& p) {
        return std::make_unique<torch::optim::SGD>(std::vector<at::Tensor>{p},
                                                   torch::optim::SGDOptions(0.01).momentum(0.9).weight_decay(0.05));
      },
      ours, pair.ours, pair.reference, 5);
  EXPECT_LT(difference, 2e-6);
}

TEST(WeightDecay, LeavesBiasesAlone) {
  at::Tensor bias = at::ones({1, 4}).set_requires_grad(true);
  Sgd sgd({bias}, SgdSettings{0.1, 0.0, WeightDecay{0.5, true}});
  bias.mutable_grad() = at::zeros({1, 4});
  sgd.step({true});
  EXPECT_TRUE(bias.eq(1).all().item<bool>());
}

TEST(OptimizerRegistry, KnowsAdamAndSgd) {
  EXPECT_EQ(optimizer_registry().names(), (std::vector<std::string>{"adam", "sgd"}));
}

}  // namespace
}  // namespace ufm
