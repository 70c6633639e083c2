#include "models/mlp.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "models/init.h"
#include "models/layers.h"
#include "models/model_registry.h"

namespace ufm {
namespace {

TEST(Mlp, HasTheKerasParameterCountOnFashionMnist) {
  auto model = create_model(ModelOptions{}, InputShape{1, 28, 28, 10});
  // 784·512+512 + 512·256+256 + 256·10+10 (Keras summary of the authors' MLP).
  EXPECT_EQ(parameter_count(*model), 535818);
}

TEST(Mlp, BatchNormVariantAddsScaleAndShiftPerHiddenUnit) {
  ModelOptions options;
  options.batch_norm = true;
  auto model = create_model(options, InputShape{1, 28, 28, 10});
  EXPECT_EQ(parameter_count(*model), 535818 + 2 * (512 + 256));
  model->eval();
  LayerTrace trace;
  model->forward_traced(at::zeros({2, 1, 28, 28}), &trace);
  std::vector<std::string> names;
  for (const auto& record : trace) names.push_back(record.name);
  EXPECT_EQ(names, (std::vector<std::string>{"dense0", "dense0_bn", "dense1", "dense1_bn", "output"}));
}

TEST(Mlp, DropoutVariantDropsHalfOfTheHiddenUnits) {
  ModelOptions options;
  options.dropout = true;
  auto model = create_model(options, InputShape{1, 28, 28, 10});
  at::Generator init = at::make_generator<at::CPUGeneratorImpl>(1);
  initialise_keras_defaults(*model, init);
  model->set_generator(at::make_generator<at::CPUGeneratorImpl>(2));
  model->train();
  LayerTrace trace;
  model->forward_traced(at::randn({16, 1, 28, 28}), &trace);
  ASSERT_EQ(trace.size(), 3u);
  // dense0 → ReLU → dropout → dense1: of the positive units, about half reach dense1.
  const at::Tensor positive = trace[0].output > 0;
  const double dropped = (trace[1].input.masked_select(positive) == 0).to(at::kDouble).mean().item<double>();
  EXPECT_NEAR(dropped, 0.5, 0.03);  // about 4,000 positive units: over 3 sigma
  // Kept units are scaled by 1/(1 − 0.5).
  const at::Tensor kept = trace[1].input != 0;
  EXPECT_TRUE(at::allclose(trace[1].input.masked_select(kept), 2 * trace[0].output.relu().masked_select(kept)));
}

TEST(Mlp, MapsImagesToOneLogitPerClass) {
  auto model = create_model(ModelOptions{}, InputShape{3, 32, 32, 7});
  at::Tensor logits = model->forward(at::zeros({5, 3, 32, 32}));
  EXPECT_EQ(logits.sizes(), (at::IntArrayRef{5, 7}));
}

TEST(ModelRegistry, UnknownNameListsTheValidOnes) {
  ModelOptions options;
  options.name = "mpl";
  try {
    create_model(options, InputShape{});
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("did you mean 'mlp'"), std::string::npos) << error.what();
  }
}

TEST(KerasInitialisation, IsGlorotUniformWithZeroBiases) {
  auto model = create_model(ModelOptions{}, InputShape{});
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(3);
  initialise_keras_defaults(*model, generator);
  for (const auto& item : model->named_parameters()) {
    SCOPED_TRACE(item.key());
    const at::Tensor& p = item.value();
    if (p.dim() == 1) {
      EXPECT_EQ(p.abs().max().item<float>(), 0.0f);
      continue;
    }
    const double limit = std::sqrt(6.0 / static_cast<double>(p.size(0) + p.size(1)));
    EXPECT_LE(p.abs().max().item<double>(), limit);
    // Uniform on [-l, l] has standard deviation l/sqrt(3).
    EXPECT_NEAR(p.std().item<double>(), limit / std::sqrt(3.0), 0.05 * limit);
  }
}

TEST(KerasInitialisation, DependsOnlyOnTheSeed) {
  auto a = create_model(ModelOptions{}, InputShape{});
  auto b = create_model(ModelOptions{}, InputShape{});
  auto c = create_model(ModelOptions{}, InputShape{});
  at::Generator ga = at::make_generator<at::CPUGeneratorImpl>(11);
  at::Generator gb = at::make_generator<at::CPUGeneratorImpl>(11);
  at::Generator gc = at::make_generator<at::CPUGeneratorImpl>(12);
  initialise_keras_defaults(*a, ga);
  initialise_keras_defaults(*b, gb);
  initialise_keras_defaults(*c, gc);
  auto pa = a->parameters(), pb = b->parameters(), pc = c->parameters();
  for (std::size_t i = 0; i < pa.size(); ++i) EXPECT_TRUE(pa[i].equal(pb[i]));
  EXPECT_FALSE(pa[0].equal(pc[0]));
}

}  // namespace
}  // namespace ufm
