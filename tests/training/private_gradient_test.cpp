// DP-SGD's gradient step (training/private_gradient.h): the clipped sum is the per-example
// autograd reference's, a huge clip norm without noise is the ordinary step, the noise has
// its stated spread and the same bits at any thread count.
#include "training/private_gradient.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/autograd.h>
#include <gtest/gtest.h>

#include <cmath>

#include "models/per_example_norms.h"
#include "support/random_models.h"

namespace ufm {
namespace {

using testing::ModelCase;
using testing::random_data;
using testing::random_model;

// Σ_i clip(∇ℓ_i, C) by one autograd pass per example, flattened over parameters() in order.
at::Tensor reference_clipped_sum(Classifier& model, const at::Tensor& images, const at::Tensor& labels, double clip) {
  std::vector<at::Tensor> parameters = model.parameters();
  at::Tensor total;
  for (std::int64_t i = 0; i < images.size(0); ++i) {
    const at::Tensor loss = at::cross_entropy_loss(model.forward(images.narrow(0, i, 1)), labels.narrow(0, i, 1), {},
                                                   at::Reduction::Sum);
    const auto grads = torch::autograd::grad({loss}, parameters);
    std::vector<at::Tensor> flat;
    for (const auto& g : grads) flat.push_back(g.reshape({-1}));
    at::Tensor g = at::cat(flat);
    const double norm = g.to(at::kDouble).norm().item<double>();
    g = g * std::min(1.0, clip / norm);
    total = total.defined() ? total + g : g;
  }
  return total;
}

at::Tensor stacked_gradient(const BatchedModel& model, std::int64_t k) {
  std::vector<at::Tensor> flat;
  for (const auto& p : model.parameters()) flat.push_back(p.grad().select(0, k).reshape({-1}));
  return at::cat(flat);
}

StepBatch batch_of(const at::Tensor& images, const at::Tensor& labels) {
  StepBatch batch;
  batch.x = images.unsqueeze(0);
  batch.y = labels.unsqueeze(0);
  batch.noise_keys = {99};
  return batch;
}

// Property: for linear and convolution layers (MLP, cnn1, cnn2), the clipped-and-summed
// gradient equals clipping each example's autograd gradient and summing: to 1e-9 in
// double precision, 1e-4 relative in float. The clip norm is set between the smallest and
// largest example norm, so some examples are clipped and some are not.
TEST(ClippedNoisyGradient, ClippedSumEqualsThePerExampleAutogradReference) {
  for (const ModelCase& c : {ModelCase{"mlp", false, false, InputShape{1, 6, 6, 4}, 7},
                             ModelCase{"cnn1", false, false, InputShape{1, 12, 12, 10}, 5},
                             ModelCase{"cnn2", false, false, InputShape{3, 12, 12, 10}, 5}}) {
    for (const bool in_double : {true, false}) {
      SCOPED_TRACE(testing::case_name(c) + (in_double ? " double" : " float"));
      auto model = random_model(c, 3);
      auto [images, labels] = random_data(c, 4);
      if (in_double) {
        model->to(at::kDouble);
        images = images.to(at::kDouble);
      }
      model->eval();  // no dropout in these cases; the reference runs the module itself
      const at::Tensor norms = per_example_gradient_norms(*model, images, labels).sqrt();
      const double clip = 0.5 * (norms.min().item<double>() + norms.max().item<double>());
      const at::Tensor expected = reference_clipped_sum(*model, images, labels, clip);

      BatchedModel stacked({model.get()});
      ClippedNoisyGradient step(clip, 0.0, 1.0);
      step.compute(stacked, batch_of(images, labels));
      const at::Tensor got = stacked_gradient(stacked, 0);
      EXPECT_TRUE(at::allclose(step.last_norms()[0].to(at::kDouble), norms, in_double ? 1e-9 : 1e-4, 1e-9));
      const double error = (got.to(at::kDouble) - expected.to(at::kDouble)).abs().max().item<double>();
      const double scale = expected.to(at::kDouble).abs().max().item<double>();
      EXPECT_LT(error, in_double ? 1e-9 : 1e-4 * scale) << "max error " << error << " of " << scale;
    }
  }
}

// Property: with a clip norm above every example's gradient and σ = 0, the DP step is the
// paper's mean-loss step (sum over the batch divided by the expected batch size, here the
// batch's own size).
TEST(ClippedNoisyGradient, WithoutClippingOrNoiseItIsTheMeanLossStep) {
  const ModelCase c{"mlp", false, true, InputShape{1, 6, 6, 4}, 9};
  auto model = random_model(c, 5);
  auto [images, labels] = random_data(c, 6);
  auto twin = random_model(c, 5);  // same weights, same dropout generator
  BatchedModel a({model.get()}), b({twin.get()});
  ClippedNoisyGradient(1e6, 0.0, static_cast<double>(c.examples)).compute(a, batch_of(images, labels));
  MeanCrossEntropy().compute(b, batch_of(images, labels));
  for (std::size_t i = 0; i < a.parameters().size(); ++i) {
    EXPECT_TRUE(at::allclose(a.parameters()[i].grad(), b.parameters()[i].grad(), 1e-5, 1e-7)) << "parameter " << i;
  }
}

// Property: with every row padding (an empty Poisson batch) the gradient is the noise
// alone, σC/L · z: mean 0 and standard deviation σC/L over the MLP's parameters, and the
// same bits at 1 and 2 threads.
TEST(ClippedNoisyGradient, NoiseHasTheStatedSpreadAndTheSameBitsAtAnyThreadCount) {
  const ModelCase c{"mlp", false, false, InputShape{1, 12, 12, 10}, 4};
  auto [images, labels] = random_data(c, 2);
  StepBatch batch = batch_of(images, labels);
  batch.rows = {0};
  batch.step = 17;
  const double sigma = 2.0, clip = 0.5, expected_batch = 4.0;
  std::vector<at::Tensor> gradients;
  const int threads = at::get_num_threads();
  for (int t : {1, 2}) {
    at::set_num_threads(t);
    auto model = random_model(c, 1);
    BatchedModel stacked({model.get()});
    ClippedNoisyGradient(clip, sigma, expected_batch).compute(stacked, batch);
    gradients.push_back(stacked_gradient(stacked, 0).clone());
  }
  at::set_num_threads(threads);
  EXPECT_TRUE(gradients[0].equal(gradients[1]));
  const at::Tensor g = gradients[0].to(at::kDouble);
  const double n = static_cast<double>(g.numel()), spread = sigma * clip / expected_batch;
  EXPECT_NEAR(g.mean().item<double>(), 0.0, 5 * spread / std::sqrt(n));
  EXPECT_NEAR(g.std().item<double>(), spread, 5 * spread * std::sqrt(0.5 / n));
}

// Property: batch norm has no per-example gradient: the step refuses it with a ConfigError.
TEST(ClippedNoisyGradient, RefusesBatchNorm) {
  const ModelCase c{"mlp", true, false, InputShape{1, 6, 6, 4}, 4};
  auto model = random_model(c, 1);
  auto [images, labels] = random_data(c, 2);
  BatchedModel stacked({model.get()});
  EXPECT_THROW(ClippedNoisyGradient(1.0, 1.0, 4.0).compute(stacked, batch_of(images, labels)), ConfigError);
}

}  // namespace
}  // namespace ufm
