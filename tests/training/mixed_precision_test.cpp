// train.precision: bf16 (runtime/precision.h). The training pass runs its matrix products in
// bf16 and everything else in fp32: close to fp32 over a few steps, not equal to it (so the
// bf16 path is really taken), bit-reproducible at a fixed thread count, and evaluation
// (validation, probing) unchanged.
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <cmath>

#include "data/synthetic.h"
#include "models/batched_model.h"
#include "models/init.h"
#include "models/model_registry.h"
#include "training/adam.h"
#include "training/gradient_step.h"
#include "training/trainer.h"

namespace ufm {
namespace {

std::shared_ptr<Classifier> fresh_model(const std::string& name, std::uint64_t seed, double dropout = 0.0) {
  ModelOptions options;
  options.name = name;
  if (name == "mlp") options.hidden = {64, 32};
  options.dropout = dropout > 0;
  options.dropout_rate = dropout;
  auto model = create_model(options, InputShape{1, 28, 28, 10});
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  initialise_keras_defaults(*model, generator);
  model->set_generator(at::make_generator<at::CPUGeneratorImpl>(seed + 100));
  return model;
}

StepBatch random_batch(std::uint64_t seed, std::int64_t rows = 32) {
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  StepBatch batch;
  batch.x = at::randn({1, rows, 1, 28, 28}, generator);
  batch.y = at::randint(0, 10, {1, rows}, generator, at::TensorOptions().dtype(at::kLong));
  return batch;
}

// ‖a − b‖ / ‖b‖ over all tensors.
double relative_distance(const std::vector<at::Tensor>& a, const std::vector<at::Tensor>& b) {
  double diff = 0, norm = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff += (a[i] - b[i]).pow(2).sum().item<double>();
    norm += b[i].pow(2).sum().item<double>();
  }
  return std::sqrt(diff / norm);
}

std::vector<at::Tensor> gradients_of(BatchedModel& model, Precision precision, const StepBatch& batch) {
  model.set_precision(precision);
  for (const auto& p : model.parameters()) at::Tensor(p).mutable_grad().reset();
  MeanCrossEntropy().compute(model, batch);
  std::vector<at::Tensor> out;
  for (const auto& p : model.parameters()) out.push_back(p.grad().clone());
  return out;
}

TEST(MixedPrecision, Bf16GradientsAreFp32TensorsCloseToButNotEqualToFp32s) {
  for (const std::string name : {"mlp", "cnn2"}) {
    SCOPED_TRACE(name);
    auto model = fresh_model(name, 1);
    BatchedModel stacked({model.get()});
    const StepBatch batch = random_batch(2);
    const auto fp32 = gradients_of(stacked, Precision::kFp32, batch);
    const auto bf16 = gradients_of(stacked, Precision::kBf16, batch);
    for (const auto& g : bf16) EXPECT_EQ(g.scalar_type(), at::kFloat);
    const double distance = relative_distance(bf16, fp32);
    // bf16 keeps 8 bits of mantissa (relative rounding 2^-9 ≈ 0.002 per operand), but at
    // initialisation the logits are small sums of larger terms, so their rounding error is
    // a few percent of their value, and it reaches the hidden layers' gradients: measured
    // 0.11 (MLP) and 0.16 (cnn2) for the deepest layer's weights, 0.003 for the output
    // layer's. The gradient still points the same way (cosine > 0.98).
    EXPECT_GT(distance, 1e-5) << "the bf16 path gave fp32's bits: it was not taken";
    EXPECT_LT(distance, 0.2);
    double dot = 0, a = 0, b = 0;
    for (std::size_t i = 0; i < fp32.size(); ++i) {
      dot += (bf16[i] * fp32[i]).sum().item<double>();
      a += bf16[i].pow(2).sum().item<double>();
      b += fp32[i].pow(2).sum().item<double>();
    }
    EXPECT_GT(dot / std::sqrt(a * b), 0.98);
  }
}

TEST(MixedPrecision, EvaluationModeComputesInFp32) {
  auto model = fresh_model("mlp", 3);
  BatchedModel stacked({model.get()});
  const at::Tensor x = random_batch(4).x;
  stacked.eval();
  const at::Tensor fp32 = stacked.forward(x);
  stacked.set_precision(Precision::kBf16);
  const at::Tensor bf16 = stacked.forward(x);
  EXPECT_TRUE(at::equal(fp32, bf16));
  stacked.train();
  const at::Tensor training = stacked.forward(x);
  EXPECT_EQ(training.scalar_type(), at::kFloat);
  EXPECT_FALSE(at::equal(training, fp32));
}

// Ten Adam steps from the same start: the parameters' change under bf16 stays within a
// stated relative distance (0.15) of fp32's (Adam amplifies rounding chaotically over many steps,
// shared/measured.md, so a few steps are the tight check); the same bf16 steps twice give
// the same bits.
TEST(MixedPrecision, TenAdamStepsStayCloseToFp32AndRepeatBitForBit) {
  auto train = [](Precision precision, double dropout) {
    auto model = fresh_model("mlp", 5, dropout);
    BatchedModel stacked({model.get()});
    stacked.set_precision(precision);
    std::vector<at::Tensor> start;
    for (const auto& p : stacked.parameters()) start.push_back(p.detach().clone());
    AdamSettings settings;
    settings.learning_rate = 1e-3;
    Adam adam(stacked.parameters(), settings);
    for (int step = 0; step < 10; ++step) {
      for (const auto& p : stacked.parameters()) at::Tensor(p).mutable_grad().reset();
      MeanCrossEntropy().compute(stacked, random_batch(10 + static_cast<std::uint64_t>(step)));
      adam.step({true});
    }
    std::vector<at::Tensor> change;
    for (std::size_t i = 0; i < start.size(); ++i) change.push_back(stacked.parameters()[i].detach() - start[i]);
    return change;
  };
  for (double dropout : {0.0, 0.5}) {
    SCOPED_TRACE(dropout);
    const auto fp32 = train(Precision::kFp32, dropout);
    const auto bf16 = train(Precision::kBf16, dropout);
    const auto again = train(Precision::kBf16, dropout);
    // Measured 0.078 with and without dropout.
    EXPECT_LT(relative_distance(bf16, fp32), 0.15);
    EXPECT_GT(relative_distance(bf16, fp32), 0.0);
    for (std::size_t i = 0; i < bf16.size(); ++i) EXPECT_TRUE(at::equal(bf16[i], again[i])) << "parameter " << i;
  }
}

TEST(MixedPrecision, TrainClassifierUnderBf16LearnsAsFp32DoesAndIsReproducible) {
  const ImageDataset data = make_synthetic_dataset(SyntheticOptions{});
  const at::Tensor train_images = normalise(data.train.images, data.normalisation);
  const at::Tensor test_images = normalise(data.test.images, data.normalisation);
  TrainingOptions options;
  options.max_epochs = 4;
  options.batch_size = 32;
  options.learning_rate = 1e-3;
  options.early_stopping = false;
  auto run = [&](PrecisionChoice precision) {
    options.precision = precision;
    auto model = fresh_model("mlp", 7);
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(7);
    const auto history = train_classifier(*model, TrainingView(train_images, data.train.labels), test_images,
                                          data.test.labels, options, generator);
    return std::make_pair(history, model);
  };
  const auto [fp32_history, fp32_model] = run(PrecisionChoice::kFp32);
  const auto [bf16_history, bf16_model] = run(PrecisionChoice::kBf16);
  const auto [again_history, again_model] = run(PrecisionChoice::kBf16);
  const double fp32_accuracy = evaluate(*fp32_model, test_images, data.test.labels).accuracy;
  const double bf16_accuracy = evaluate(*bf16_model, test_images, data.test.labels).accuracy;
  EXPECT_GT(bf16_accuracy, 0.9);
  EXPECT_NEAR(bf16_accuracy, fp32_accuracy, 0.03);
  EXPECT_NE(bf16_history.train_loss, fp32_history.train_loss);
  EXPECT_EQ(bf16_history.train_loss, again_history.train_loss);
  EXPECT_EQ(bf16_history.val_loss, again_history.val_loss);
  const auto a = bf16_model->parameters(), b = again_model->parameters();
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(at::equal(a[i], b[i]));
}

}  // namespace
}  // namespace ufm
