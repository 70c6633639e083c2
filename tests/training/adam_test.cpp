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
  at::Tensor ours = start.clone().set_requires_grad(true);
  at::Tensor reference = start.clone().set_requires_grad(true);
  FusedAdam fused({ours}, AdamSettings{1e-3, 0.9, 0.999, 1e-7});
  torch::optim::Adam library({reference}, torch::optim::AdamOptions(1e-3).betas({0.9, 0.999}).eps(1e-7));
  for (int step = 0; step < steps; ++step) {
    at::Tensor gradient = at::randn({size}, generator);
    ours.mutable_grad() = gradient.clone();
    reference.mutable_grad() = gradient.clone();
    fused.step();
    library.step();
  }
  return (ours - reference).abs().max().item<double>();
}

// Parameters are N(0,1), up to ~5 in magnitude, where one float ulp is 4.8e-7; each
// step moves them by about lr = 1e-3. Agreement to a few ulps is agreement to 0.1 % of a step.
TEST(FusedAdam, MatchesLibTorchAdamAfterOneStep) { EXPECT_LT(max_difference_after(1, 100000), 1e-6); }

TEST(FusedAdam, MatchesLibTorchAdamAfterTenSteps) {
  // Rounding differences grow with the steps (shared/measured.md), but stay far below
  // the update size (lr = 1e-3 per step) over a few steps.
  EXPECT_LT(max_difference_after(10, 100000), 2e-6);
}

TEST(FusedAdam, SkipsParametersWithoutGradient) {
  at::Tensor p = at::ones({4}).set_requires_grad(true);
  FusedAdam adam({p}, AdamSettings{});
  adam.step();
  EXPECT_TRUE(p.eq(1).all().item<bool>());
  EXPECT_EQ(adam.steps(), 1);
}

TEST(FusedAdam, FirstStepMovesEachWeightByTheLearningRate) {
  // With bias correction, the first Adam step is lr · g/|g| (up to ε) for every element.
  at::Tensor p = at::zeros({3}).set_requires_grad(true);
  FusedAdam adam({p}, AdamSettings{0.01, 0.9, 0.999, 1e-7});
  p.mutable_grad() = at::tensor({2.0f, -0.5f, 7.0f});
  adam.step();
  EXPECT_NEAR(p[0].item<float>(), -0.01, 1e-7);
  EXPECT_NEAR(p[1].item<float>(), 0.01, 1e-7);
  EXPECT_NEAR(p[2].item<float>(), -0.01, 1e-7);
}

}  // namespace
}  // namespace ufm
