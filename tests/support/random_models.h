#pragma once
/// Registered models with random parameters and running statistics, and random data, for
/// the tests of per-example gradients and influence.
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/init.h"
#include "models/model_registry.h"

namespace ufm::testing {

struct ModelCase {
  std::string name;
  bool batch_norm = false;
  bool dropout = false;
  InputShape shape;
  std::int64_t examples = 8;
};

inline std::string case_name(const ModelCase& c) {
  return c.name + (c.batch_norm ? "+bn" : "") + (c.dropout ? "+dropout" : "") + " " +
         std::to_string(c.shape.channels) + "x" + std::to_string(c.shape.height);
}

// A model whose every parameter and running statistic is random, so that no term of the
// gradient norm (biases, batch-norm scale and shift, running statistics) is trivially zero.
inline std::shared_ptr<Classifier> random_model(const ModelCase& c, std::uint64_t seed) {
  ModelOptions options;
  options.name = c.name;
  options.batch_norm = c.batch_norm;
  options.dropout = c.dropout;
  if (c.name == "mlp") options.hidden = {64, 32};
  auto model = create_model(options, c.shape);
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  initialise_keras_defaults(*model, generator);
  at::NoGradGuard no_grad;
  for (auto& p : model->parameters()) p.add_(at::randn(p.sizes(), generator) * 0.05);
  for (const auto& item : model->named_buffers()) {
    at::Tensor b = item.value();
    if (item.key().find("running_mean") != std::string::npos) b.copy_(at::randn(b.sizes(), generator) * 0.3);
    if (item.key().find("running_var") != std::string::npos) b.copy_(at::rand(b.sizes(), generator) + 0.5);
  }
  model->set_generator(generator);
  return model;
}

inline std::pair<at::Tensor, at::Tensor> random_data(const ModelCase& c, std::uint64_t seed) {
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  at::Tensor images = at::randn({c.examples, c.shape.channels, c.shape.height, c.shape.width}, generator);
  at::Tensor labels = at::randint(0, c.shape.classes, {c.examples}, generator, at::TensorOptions().dtype(at::kLong));
  return {images, labels};
}

inline void expect_relatively_close(const at::Tensor& fast, const at::Tensor& reference, double rtol) {
  ASSERT_EQ(fast.sizes(), reference.sizes());
  for (std::int64_t i = 0; i < fast.size(0); ++i) {
    const double f = fast[i].item<double>(), r = reference[i].item<double>();
    EXPECT_GT(r, 0.0) << "example " << i;
    EXPECT_LE(std::abs(f - r), rtol * std::abs(r)) << "example " << i << ": fast " << f << " reference " << r;
  }
}

inline const InputShape kGrey28{1, 28, 28, 10};
inline const InputShape kColour32{3, 32, 32, 10};

inline std::vector<ModelCase> every_layer_type() {
  return {
      {"mlp", false, false, kGrey28, 16},  {"mlp", true, false, kGrey28, 16},
      {"mlp", false, true, kGrey28, 16},   {"cnn1", false, false, kGrey28, 6},
      {"cnn1", true, false, kGrey28, 6},   {"cnn2", false, false, kColour32, 4},
      {"cnn2", true, false, kColour32, 4},
  };
}

}  // namespace ufm::testing
