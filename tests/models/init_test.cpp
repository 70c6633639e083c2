#include "models/init.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <cmath>

#include "models/model_registry.h"

namespace ufm {
namespace {

TEST(KerasInitialisation, ConvWeightsUseTheReceptiveFieldInBothFans) {
  ModelOptions options;
  options.name = "cnn2";
  auto model = create_model(options, InputShape{3, 32, 32, 10});
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(5);
  initialise_keras_defaults(*model, generator);
  for (const auto& item : model->named_parameters()) {
    const at::Tensor& p = item.value();
    if (p.dim() != 4) continue;
    SCOPED_TRACE(item.key());
    // Keras: fan_in = kh·kw·in, fan_out = kh·kw·out.
    const double receptive = static_cast<double>(p.size(2) * p.size(3));
    const double limit = std::sqrt(6.0 / (receptive * static_cast<double>(p.size(0) + p.size(1))));
    EXPECT_LE(p.abs().max().item<double>(), limit);
    EXPECT_NEAR(p.std().item<double>(), limit / std::sqrt(3.0), 0.05 * limit);
  }
}

TEST(KerasInitialisation, BatchNormStartsAsTheIdentityWithUnitRunningStatistics) {
  for (const char* name : {"mlp", "cnn2"}) {
    SCOPED_TRACE(name);
    ModelOptions options;
    options.name = name;
    options.batch_norm = true;
    auto model = create_model(options, InputShape{1, 28, 28, 10});
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(5);
    initialise_keras_defaults(*model, generator);
    int norms = 0;
    for (const auto& item : model->named_parameters()) {
      if (item.key().find("_bn.") == std::string::npos) continue;
      ++norms;
      const double expected = item.key().find(".weight") != std::string::npos ? 1.0 : 0.0;
      EXPECT_TRUE(item.value().eq(expected).all().item<bool>()) << item.key();
    }
    EXPECT_GT(norms, 0);
    for (const auto& item : model->named_buffers()) {
      SCOPED_TRACE(item.key());
      if (item.key().find("running_mean") != std::string::npos) {
        EXPECT_TRUE(item.value().eq(0).all().item<bool>());
      } else if (item.key().find("running_var") != std::string::npos) {
        EXPECT_TRUE(item.value().eq(1).all().item<bool>());
      }
    }
  }
}

TEST(KerasInitialisation, VariantsShareTheWeightsOfThePlainModel) {
  // BN parameters draw nothing, so a BN or dropout variant starts from the plain model's
  // weights for the same seed: comparisons across variants differ only by the variant.
  ModelOptions plain;
  plain.name = "cnn1";
  ModelOptions bn = plain;
  bn.batch_norm = true;
  auto a = create_model(plain, InputShape{1, 28, 28, 10});
  auto b = create_model(bn, InputShape{1, 28, 28, 10});
  at::Generator ga = at::make_generator<at::CPUGeneratorImpl>(9);
  at::Generator gb = at::make_generator<at::CPUGeneratorImpl>(9);
  initialise_keras_defaults(*a, ga);
  initialise_keras_defaults(*b, gb);
  auto pb = b->named_parameters();
  for (const auto& item : a->named_parameters()) {
    SCOPED_TRACE(item.key());
    EXPECT_TRUE(item.value().equal(pb[item.key()]));
  }
}

}  // namespace
}  // namespace ufm
