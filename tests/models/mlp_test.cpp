#include "models/mlp.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "models/init.h"
#include "models/model_registry.h"

namespace ufm {
namespace {

TEST(Mlp, HasTheKerasParameterCountOnFashionMnist) {
  auto model = create_model(ModelOptions{}, InputShape{1, 28, 28, 10});
  // 784·512+512 + 512·256+256 + 256·10+10 (Keras summary of the authors' MLP).
  EXPECT_EQ(parameter_count(*model), 535818);
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
