#include "models/model_registry.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include <map>
#include <set>

#include "core/error.h"
#include "models/init.h"

namespace ufm {
namespace {

at::Generator generator(std::uint64_t seed) { return at::make_generator<at::CPUGeneratorImpl>(seed); }

struct Variant {
  const char* name;
  bool batch_norm;
  bool dropout;
};

const Variant kVariants[] = {{"plain", false, false}, {"bn", true, false}, {"dropout", false, true}};
const InputShape kShapes[] = {{1, 28, 28, 10}, {3, 32, 32, 10}};
constexpr std::int64_t kBatch = 2;

std::shared_ptr<Classifier> initialised_model(const std::string& name, const Variant& variant,
                                              const InputShape& shape) {
  ModelOptions options;
  options.name = name;
  options.batch_norm = variant.batch_norm;
  options.dropout = variant.dropout;
  auto model = create_model(options, shape);
  at::Generator init = generator(1);
  initialise_keras_defaults(*model, init);
  return model;
}

at::Tensor input(const InputShape& shape) {
  at::Generator g = generator(2);
  return at::randn({kBatch, shape.channels, shape.height, shape.width}, g);
}

/// Registered name of every module holding parameters of its own, by address.
std::map<const torch::nn::Module*, std::string> parametrised_modules(const Classifier& model) {
  std::map<const torch::nn::Module*, std::string> out;
  for (const auto& item : model.named_modules(/*name_prefix=*/"", /*include_self=*/false)) {
    if (!item.value()->parameters(/*recurse=*/false).empty()) out[item.value().get()] = item.key();
  }
  return out;
}

std::string expected_kind(const torch::nn::Module* module) {
  if (dynamic_cast<const torch::nn::LinearImpl*>(module)) return "linear";
  if (dynamic_cast<const torch::nn::Conv2dImpl*>(module)) return "conv2d";
  if (dynamic_cast<const torch::nn::BatchNorm1dImpl*>(module)) return "batch_norm";
  if (dynamic_cast<const torch::nn::BatchNorm2dImpl*>(module)) return "batch_norm";
  return "unknown";
}

TEST(ModelRegistry, HoldsThePapersModelsWithDescriptions) {
  for (const char* name : {"mlp", "cnn1", "cnn2"}) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(model_registry().contains(name));
    EXPECT_FALSE(model_registry().description(name).empty());
  }
}

/// Every registered model × variant × input shape, for the contract tests.
struct Case {
  std::string name;
  std::string label;
  Variant variant;
  InputShape shape;
};

std::vector<Case> all_cases() {
  std::vector<Case> out;
  for (const auto& name : model_registry().names()) {
    for (const Variant& variant : kVariants) {
      for (const InputShape& shape : kShapes) {
        const std::string label = name + " " + variant.name + " " + std::to_string(shape.channels) + "x" +
                                  std::to_string(shape.height);
        out.push_back(Case{name, label, variant, shape});
      }
    }
  }
  return out;
}

TEST(ModelRegistry, EveryModelMapsImagesToLogitsAndItsTraceRecordsEachParametrisedLayerOnce) {
  for (const Case& c : all_cases()) {
    SCOPED_TRACE(c.label);
    auto model = initialised_model(c.name, c.variant, c.shape);
    model->eval();
    const at::Tensor x = input(c.shape);
    LayerTrace trace;
    at::Tensor traced = model->forward_traced(x, &trace);
    EXPECT_EQ(traced.sizes(), (at::IntArrayRef{kBatch, c.shape.classes}));
    EXPECT_TRUE(traced.isfinite().all().item<bool>());
    EXPECT_TRUE(traced.equal(model->forward(x))) << "tracing must not change the computation";

    auto expected = parametrised_modules(*model);
    std::set<const torch::nn::Module*> seen;
    for (const LayerRecord& record : trace) {
      SCOPED_TRACE(record.name);
      ASSERT_NE(record.layer, nullptr);
      ASSERT_EQ(expected.count(record.layer), 1u) << "not a parametrised submodule";
      EXPECT_TRUE(seen.insert(record.layer).second) << "recorded twice";
      // The name is the parameter prefix, so influence can match records to gradients.
      EXPECT_EQ(record.name, expected[record.layer]);
      EXPECT_EQ(record.kind, expected_kind(record.layer));
      EXPECT_EQ(record.input.size(0), kBatch);
      EXPECT_EQ(record.output.size(0), kBatch);
    }
    EXPECT_EQ(seen.size(), expected.size());
    ASSERT_FALSE(trace.empty());
    EXPECT_TRUE(trace.back().output.equal(traced)) << "the last record is the output layer";
  }
}

TEST(ModelRegistry, EveryModelTrainsReproduciblyFromItsOwnGenerator) {
  for (const Case& c : all_cases()) {
    SCOPED_TRACE(c.label);
    auto model = initialised_model(c.name, c.variant, c.shape);
    model->train();
    const at::Tensor x = input(c.shape);
    model->set_generator(generator(7));
    at::Tensor first = model->forward(x);
    model->set_generator(generator(7));
    LayerTrace trace;
    at::Tensor again = model->forward_traced(x, &trace);
    EXPECT_TRUE(first.equal(again)) << "same seed, traced or not, must give the same draws";
    if (c.variant.dropout) {
      model->set_generator(generator(8));
      EXPECT_FALSE(first.equal(model->forward(x))) << "another seed must give other dropout masks";
      model->set_generator(std::nullopt);
      EXPECT_THROW(model->forward(x), RuntimeError);
    } else {
      // Without dropout nothing is random: no generator needed, same output.
      model->set_generator(std::nullopt);
      EXPECT_TRUE(first.equal(model->forward(x)));
    }
  }
}

TEST(ModelRegistry, CreateModelRejectsInvalidOptions) {
  ModelOptions options;
  options.name = "cnn2";
  options.dropout = true;
  options.dropout_rate = 1.0;
  EXPECT_THROW(create_model(options, InputShape{}), ConfigError);
}

}  // namespace
}  // namespace ufm
