// The paper's loss-to-gradient step: over K stacked models, slice k of every gradient is
// model k's own gradient of its mean cross-entropy.
#include "training/gradient_step.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include "models/init.h"
#include "models/model_registry.h"

namespace ufm {
namespace {

std::shared_ptr<Classifier> small_mlp(std::uint64_t seed) {
  ModelOptions options;
  options.hidden = {8};
  auto model = create_model(options, InputShape{1, 4, 4, 3});
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  initialise_keras_defaults(*model, generator);
  return model;
}

TEST(MeanCrossEntropy, GivesEachStackedModelItsOwnGradientAndMeanLoss) {
  auto a = small_mlp(1), b = small_mlp(2);
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(5);
  const at::Tensor x = at::randn({2, 6, 1, 4, 4}, generator);
  const at::Tensor y = at::randint(0, 3, {2, 6}, generator, at::TensorOptions().dtype(at::kLong));
  BatchedModel stacked({a.get(), b.get()});
  StepBatch batch;
  batch.x = x;
  batch.y = y;
  const StepOutput out = MeanCrossEntropy().compute(stacked, batch);
  ASSERT_EQ(out.losses.sizes(), (std::vector<std::int64_t>{2}));
  std::size_t k = 0;
  for (Classifier* alone : {a.get(), b.get()}) {
    const at::Tensor loss = at::cross_entropy_loss(alone->forward(x[k]), y[k]);
    loss.backward();
    EXPECT_NEAR(out.losses[k].item<double>(), loss.item<double>(), 1e-6);
    const auto parameters = alone->parameters();
    for (std::size_t i = 0; i < parameters.size(); ++i) {
      EXPECT_TRUE(at::allclose(stacked.parameters()[i].grad()[k], parameters[i].grad(), 1e-5, 1e-7))
          << "model " << k << " parameter " << i;
    }
    ++k;
  }
}

TEST(GradientStepRegistry, OffersThePapersStep) {
  EXPECT_TRUE(gradient_step_registry().contains("mean_cross_entropy"));
}

}  // namespace
}  // namespace ufm
