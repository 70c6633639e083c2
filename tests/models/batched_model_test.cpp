#include "models/batched_model.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "models/init.h"
#include "models/model_registry.h"

namespace ufm {
namespace {

// Small enough for every registered model (cnn1's valid convs and pool, cnn2's two pools).
const InputShape kShape{3, 12, 12, 10};

struct Variant {
  const char* name;
  bool batch_norm;
  bool dropout;
};
const Variant kVariants[] = {
    {"plain", false, false}, {"batch_norm", true, false}, {"dropout", false, true}, {"batch_norm+dropout", true, true}};

std::shared_ptr<Classifier> make(const std::string& name, const Variant& variant, std::uint64_t seed) {
  ModelOptions options;
  options.name = name;
  options.hidden = {24, 16};
  options.batch_norm = variant.batch_norm;
  options.dropout = variant.dropout;
  auto model = create_model(options, kShape);
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  initialise_keras_defaults(*model, generator);
  model->to(at::kDouble);
  // As a run does: the initialisation generator goes on to drive dropout.
  model->set_generator(generator);
  return model;
}

// The comparison runs in double precision. Batched matrix products and grouped
// convolutions sum in another order than the single model's, and in float that rounding
// (~1e-7) can flip a ReLU or max-pool choice for a value within rounding of the boundary,
// which moves a gradient element by O(1): seen with batch-norm cnn2 at batch 6. In double
// such a flip needs a value within ~1e-16 of the boundary, so every element must agree.
void expect_close(const at::Tensor& a, const at::Tensor& b, const std::string& what) {
  EXPECT_TRUE(at::allclose(a, b, /*rtol=*/1e-9, /*atol=*/1e-11))
      << what << ": max difference " << (a - b).abs().max().item<double>() << " of max "
      << b.abs().max().item<double>();
}

// K models run alone and the same K models run as one batched computation: the same
// logits (training and evaluation mode, so also the same dropout masks and batch-norm
// batch statistics), the same gradients and the same running statistics.
TEST(BatchedModel, ComputesWhatEachRegisteredModelComputesAlone) {
  constexpr int kModels = 3;
  constexpr std::int64_t kBatch = 6;
  for (const auto& name : model_registry().names()) {
    for (const Variant& variant : kVariants) {
      SCOPED_TRACE(name + " " + variant.name);
      std::vector<std::shared_ptr<Classifier>> alone, together;
      for (int k = 0; k < kModels; ++k) {
        alone.push_back(make(name, variant, 100 + k));
        together.push_back(make(name, variant, 100 + k));
      }
      std::vector<Classifier*> pointers;
      for (auto& model : together) pointers.push_back(model.get());
      // Batched kernels (the GPU's way) and one call per model (the CPU's way).
      for (bool grouped : {false, true}) {
        SCOPED_TRACE(grouped ? "batched kernels" : "one call per model");
        for (int k = 0; k < kModels; ++k) {
          alone[k] = make(name, variant, 100 + k);
          together[k] = make(name, variant, 100 + k);
          pointers[k] = together[k].get();
        }
        BatchedModel batched(pointers);
        batched.set_batched_kernels(grouped);
        ASSERT_EQ(batched.size(), kModels);

        at::Generator data = at::make_generator<at::CPUGeneratorImpl>(9);
        const at::Tensor x =
            at::randn({kModels, kBatch, kShape.channels, kShape.height, kShape.width}, data).to(at::kDouble);
        const at::Tensor y =
            at::randint(0, kShape.classes, {kModels, kBatch}, data, at::TensorOptions().dtype(at::kLong));
        for (bool training : {true, false}) {
          SCOPED_TRACE(training ? "training" : "evaluation");
          batched.train(training);
          for (auto& p : batched.parameters()) p.mutable_grad().reset();
          const at::Tensor logits = batched.forward(x);
          ASSERT_EQ(logits.sizes(), (at::IntArrayRef{kModels, kBatch, kShape.classes}));
          at::cross_entropy_loss(logits.reshape({kModels * kBatch, -1}), y.reshape({-1}), {}, at::Reduction::None)
              .view({kModels, kBatch})
              .mean(1)
              .sum()
              .backward();
          for (int k = 0; k < kModels; ++k) {
            Classifier& model = *alone[k];
            model.train(training);
            model.zero_grad();
            const at::Tensor single = model.forward(x[k]);
            at::cross_entropy_loss(single, y[k]).backward();
            expect_close(logits[k], single, "logits of model " + std::to_string(k));
            const auto parameters = model.parameters();
            for (std::size_t i = 0; i < parameters.size(); ++i) {
              expect_close(batched.parameters()[i].grad()[k], parameters[i].grad(),
                           batched.parameter_names()[i] + " gradient of model " + std::to_string(k));
            }
            const auto buffers = model.buffers();
            for (std::size_t i = 0; i < buffers.size(); ++i) {
              EXPECT_TRUE(
                  at::allclose(batched.buffers()[i][k].to(at::kDouble), buffers[i].to(at::kDouble), 1e-9, 1e-11))
                  << "buffer " << i << " of model " << k;
            }
          }
        }
      }
    }
  }
}

TEST(BatchedModel, StartsFromTheModelsBitsAndHandsThemBack) {
  const Variant plain{"plain", false, false};
  auto a = make("mlp", plain, 1), b = make("mlp", plain, 2);
  BatchedModel batched({a.get(), b.get()});
  for (std::size_t i = 0; i < a->parameters().size(); ++i) {
    EXPECT_TRUE(batched.parameters()[i][0].equal(a->parameters()[i]));
    EXPECT_TRUE(batched.parameters()[i][1].equal(b->parameters()[i]));
  }
  {
    at::NoGradGuard no_grad;
    for (auto& p : batched.parameters()) p[1].fill_(0.25);
  }
  auto target = make("mlp", plain, 3);
  batched.copy_to(1, *target);
  for (const auto& p : target->parameters()) EXPECT_TRUE(p.eq(0.25).all().item<bool>());
  // The source models are untouched by the batch's training.
  EXPECT_FALSE(b->parameters()[0].eq(0.25).all().item<bool>());
}

TEST(BatchedModel, RefusesModelsOfDifferentArchitectures) {
  const Variant plain{"plain", false, false};
  auto mlp = make("mlp", plain, 1), cnn = make("cnn1", plain, 1);
  EXPECT_THROW(BatchedModel({mlp.get(), cnn.get()}), RuntimeError);
  ModelOptions wide;
  wide.hidden = {32, 16};
  auto other = create_model(wide, kShape);
  auto narrow = make("mlp", plain, 1);
  EXPECT_THROW(BatchedModel({narrow.get(), other.get()}), RuntimeError);
}

TEST(BatchedModel, DropoutWithoutAGeneratorThrows) {
  ModelOptions options;
  options.dropout = true;
  auto model = create_model(options, kShape);
  BatchedModel batched({model.get()});
  EXPECT_THROW(batched.forward(at::zeros({1, 2, 3, 12, 12})), RuntimeError);
}

}  // namespace
}  // namespace ufm
