#include "training/trainer.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include "data/synthetic.h"
#include "models/init.h"
#include "models/model_registry.h"

namespace ufm {
namespace {

struct Fixture {
  ImageDataset data = make_synthetic_dataset(SyntheticOptions{});
  at::Tensor train_images = normalise(data.train.images, data.normalisation);
  at::Tensor test_images = normalise(data.test.images, data.normalisation);
};

std::shared_ptr<Classifier> fresh_model(std::uint64_t seed, const std::vector<std::int64_t>& hidden = {64, 32}) {
  ModelOptions options;
  options.hidden = hidden;
  auto model = create_model(options, InputShape{1, 28, 28, 10});
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  initialise_keras_defaults(*model, generator);
  return model;
}

TEST(TrainClassifier, LearnsTheSyntheticTask) {
  Fixture f;
  auto model = fresh_model(1);
  TrainingOptions options;
  options.max_epochs = 5;
  options.batch_size = 32;
  options.learning_rate = 1e-3;
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(1);
  const auto history = train_classifier(*model, TrainingView(f.train_images, f.data.train.labels), f.test_images,
                                        f.data.test.labels, options, generator);
  EXPECT_EQ(history.epochs_run(), 5);
  EXPECT_LT(history.train_loss.back(), history.train_loss.front());
  EXPECT_GT(evaluate(*model, f.test_images, f.data.test.labels).accuracy, 0.9);
}

TEST(TrainClassifier, EarlyStoppingRestoresTheBestEpoch) {
  Fixture f;
  auto model = fresh_model(2);
  TrainingOptions options;
  // A learning rate this large makes validation loss bounce, so the best epoch is
  // rarely the last one; patience 2 stops after a few epochs.
  options.learning_rate = 0.05;
  options.batch_size = 16;
  options.max_epochs = 30;
  options.patience = 2;
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(2);
  const auto history = train_classifier(*model, TrainingView(f.train_images, f.data.train.labels), f.test_images,
                                        f.data.test.labels, options, generator);
  ASSERT_TRUE(history.stopped_early);
  EXPECT_EQ(history.epochs_run(), history.best_epoch + options.patience);
  const double best = history.val_loss[static_cast<std::size_t>(history.best_epoch - 1)];
  for (double loss : history.val_loss) EXPECT_GE(loss, best);
  // The model holds the best epoch's weights: its validation loss is that epoch's, exactly.
  EXPECT_DOUBLE_EQ(evaluate(*model, f.test_images, f.data.test.labels).loss, best);
}

TEST(TrainClassifier, IsBitIdenticalForTheSameSeed) {
  Fixture f;
  TrainingOptions options;
  options.max_epochs = 2;
  options.shuffle = true;
  std::vector<std::vector<at::Tensor>> weights;
  for (int repeat = 0; repeat < 2; ++repeat) {
    auto model = fresh_model(4);
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(4);
    train_classifier(*model, TrainingView(f.train_images, f.data.train.labels), f.test_images, f.data.test.labels,
                     options, generator);
    weights.push_back(model->parameters());
  }
  for (std::size_t i = 0; i < weights[0].size(); ++i) EXPECT_TRUE(weights[0][i].equal(weights[1][i]));
}

TEST(TrainClassifier, OneStampedImageChangesTheWeights) {
  Fixture f;
  TrainingOptions options;
  options.max_epochs = 1;
  std::vector<at::Tensor> first_layer;
  for (int stamped = 0; stamped < 2; ++stamped) {
    auto model = fresh_model(6);
    TrainingView view(f.train_images, f.data.train.labels);
    if (stamped) view.set_canary(3, at::ones({1, 28, 28}));
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(6);
    train_classifier(*model, view, f.test_images, f.data.test.labels, options, generator);
    first_layer.push_back(model->parameters()[0].clone());
  }
  EXPECT_FALSE(first_layer[0].equal(first_layer[1]));
}

TEST(TrainingView, ReplacesOnlyTheCanaryAndLeavesTheDataUntouched) {
  at::Tensor images = at::zeros({10, 1, 2, 2});
  at::Tensor labels = at::arange(10, at::kLong);
  TrainingView view(images, labels);
  view.set_canary(6, at::ones({1, 2, 2}));
  auto [first, first_labels] = view.batch({}, 0, 4);
  EXPECT_EQ(first.sum().item<float>(), 0.0f);
  auto [second, second_labels] = view.batch({}, 4, 8);
  EXPECT_EQ(second[2].sum().item<float>(), 4.0f);
  EXPECT_EQ(second.sum().item<float>(), 4.0f);
  EXPECT_EQ(second_labels[2].item<std::int64_t>(), 6);
  EXPECT_EQ(images.sum().item<float>(), 0.0f);
  // In a shuffled order the canary is found wherever it lands.
  at::Tensor order = at::tensor(std::vector<std::int64_t>{6, 1, 2}, at::kLong);
  auto [shuffled, shuffled_labels] = view.batch(order, 0, 3);
  EXPECT_EQ(shuffled[0].sum().item<float>(), 4.0f);
  EXPECT_EQ(shuffled_labels[0].item<std::int64_t>(), 6);
}

}  // namespace
}  // namespace ufm
