#include "training/trainer.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include "data/synthetic.h"
#include "models/init.h"
#include "models/model_registry.h"
#include "training/gradient_step.h"

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

// Property: set_stamped replaces many examples in the view's own copy (every batch, in any
// order, and images() see them) and never the shared tensor.
TEST(TrainingView, StampsManyExamplesInItsOwnCopy) {
  at::Tensor images = at::zeros({10, 1, 2, 2});
  TrainingView view(images, at::arange(10, at::kLong));
  view.set_stamped({1, 7}, at::ones({2, 1, 2, 2}));
  EXPECT_EQ(images.sum().item<float>(), 0.0f);
  EXPECT_EQ(view.images().sum().item<float>(), 8.0f);
  auto [batch, labels] = view.batch({}, 0, 10);
  EXPECT_EQ(batch[1].sum().item<float>(), 4.0f);
  EXPECT_EQ(batch[7].sum().item<float>(), 4.0f);
  auto [shuffled, shuffled_labels] = view.batch(at::tensor(std::vector<std::int64_t>{7, 0}, at::kLong), 0, 2);
  EXPECT_EQ(shuffled[0].sum().item<float>(), 4.0f);
  EXPECT_EQ(shuffled[1].sum().item<float>(), 0.0f);
  EXPECT_THROW(view.set_stamped({10}, at::ones({1, 1, 2, 2})), RuntimeError);
}

// The seams: a sampler, a loss-to-gradient step and a post-training hook given in
// TrainingSeams are the ones training uses.
struct TrainingCase : Fixture {
  TrainingView view{train_images, data.train.labels};
  std::shared_ptr<Classifier> model = fresh_model(3, {16});
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(3);
  TrainingOptions options;
  TrainingCase() {
    options.max_epochs = 2;
    options.early_stopping = false;
  }
  std::vector<at::Tensor> weights() const {
    std::vector<at::Tensor> out;
    for (const auto& p : model->parameters()) out.push_back(p.detach().clone());
    return out;
  }
};

bool same(const std::vector<at::Tensor>& a, const std::vector<at::Tensor>& b) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!a[i].equal(b[i])) return false;
  }
  return true;
}

// Computes the paper's loss but leaves no gradient: Adam then moves nothing.
class NoGradient : public GradientStep {
 public:
  StepOutput compute(BatchedModel& model, const StepBatch& batch) const override {
    at::NoGradGuard no_grad;
    ++calls;
    const at::Tensor logits = model.forward(batch.x);
    return {at::cross_entropy_loss(logits[0], batch.y[0]).unsqueeze(0), logits};
  }
  mutable int calls = 0;
};

TEST(TrainerSeams, TheGivenGradientStepIsTheOneTrainingUses) {
  TrainingCase s;
  const auto before = s.weights();
  TrainingSeams seams;
  auto step = std::make_shared<NoGradient>();
  seams.gradient_step = step;
  const TrainingHistory history = train_classifier(*s.model, s.view, s.test_images, s.data.test.labels, s.options,
                                                   s.generator, nullptr, AugmentationOptions{}, seams);
  const std::int64_t steps_per_epoch = (s.view.size() + s.options.batch_size - 1) / s.options.batch_size;
  EXPECT_EQ(step->calls, 2 * steps_per_epoch);
  EXPECT_TRUE(same(s.weights(), before));
  EXPECT_EQ(history.epochs_run(), 2);
  EXPECT_GT(history.train_loss[0], 0.0);
}

TEST(TrainerSeams, TheDefaultGradientStepTrains) {
  TrainingCase s;
  const auto before = s.weights();
  const TrainingHistory history =
      train_classifier(*s.model, s.view, s.test_images, s.data.test.labels, s.options, s.generator);
  EXPECT_FALSE(same(s.weights(), before));
  EXPECT_LT(history.train_loss[1], history.train_loss[0]);
}

// One batch of the first 10 examples per epoch.
class FirstTen : public BatchSampler {
 public:
  EpochBatches epoch(const TrainingView&, at::Generator&) const override { return {at::Tensor(), {0, 10}}; }
};

TEST(TrainerSeams, TheGivenSamplerChoosesTheBatchesAndTheHookSeesTheFinalWeights) {
  TrainingCase s;
  TrainingSeams seams;
  seams.sampler = std::make_shared<FirstTen>();
  auto step = std::make_shared<NoGradient>();
  seams.gradient_step = step;
  std::vector<at::Tensor> seen;
  seams.after_training = [&](std::size_t member, Classifier& model, TrainingHistory& history) {
    EXPECT_EQ(member, 0u);
    for (const auto& p : model.parameters()) seen.push_back(p.detach().clone());
    history.stopped_early = true;  // the hook may edit the history it is given
  };
  const TrainingHistory history = train_classifier(*s.model, s.view, s.test_images, s.data.test.labels, s.options,
                                                   s.generator, nullptr, AugmentationOptions{}, seams);
  EXPECT_EQ(step->calls, 2);
  EXPECT_TRUE(same(seen, s.weights()));
  EXPECT_TRUE(history.stopped_early);
}

// Batches of a size that depends on the model (its generator's first draw).
class UnequalSizes : public BatchSampler {
 public:
  EpochBatches epoch(const TrainingView& view, at::Generator& generator) const override {
    const std::int64_t size = 5 + at::randint(0, 1000, {1}, generator, at::TensorOptions().dtype(at::kLong)).item<std::int64_t>();
    return {at::Tensor(), {0, std::min(size, view.size())}};
  }
};

// Property: models whose batches differ in size are trained together on a padded stack,
// and each ends with the weights and history it gets alone, bit for bit.
TEST(TrainerSeams, ModelsWithBatchesOfDifferentSizesTrainTogetherAsAlone) {
  TrainingSeams seams;
  seams.sampler = std::make_shared<UnequalSizes>();
  TrainingCase a, b, alone_a, alone_b;
  b.generator = at::make_generator<at::CPUGeneratorImpl>(99);
  alone_b.generator = at::make_generator<at::CPUGeneratorImpl>(99);
  std::vector<TrainingMember> members{{a.model.get(), &a.view, a.generator, nullptr},
                                      {b.model.get(), &a.view, b.generator, nullptr}};
  const auto together = train_classifiers(members, a.test_images, a.data.test.labels, a.options, AugmentationOptions{}, seams);
  const TrainingHistory first = train_classifier(*alone_a.model, alone_a.view, a.test_images, a.data.test.labels,
                                                 a.options, alone_a.generator, nullptr, AugmentationOptions{}, seams);
  const TrainingHistory second = train_classifier(*alone_b.model, alone_b.view, a.test_images, a.data.test.labels,
                                                  a.options, alone_b.generator, nullptr, AugmentationOptions{}, seams);
  EXPECT_TRUE(same(a.weights(), alone_a.weights()));
  EXPECT_TRUE(same(b.weights(), alone_b.weights()));
  EXPECT_EQ(together[0].train_loss, first.train_loss);
  EXPECT_EQ(together[1].train_loss, second.train_loss);
  EXPECT_EQ(together[1].val_loss, second.val_loss);
}

// Property: DP-SGD (Poisson batches, clipped per-example gradients, noise) with dropout
// gives each model trained beside others the weights and history it gets alone, bit for bit
// on the CPU: its masks, noise and dropout come from its own generator and noise key.
TEST(TrainerSeams, PrivateTrainingOfManyModelsIsBitIdenticalToEachAlone) {
  TrainingOptions options;
  options.max_epochs = 2;
  options.early_stopping = false;
  options.batch_size = 16;
  PrivacyOptions privacy;
  privacy.enabled = true;
  privacy.noise_multiplier = 1.0;
  privacy.clip_norm = 0.5;
  TrainingSeams seams;
  seams.sampler = batch_sampler_registry().create(sampler_name(privacy), options);
  seams.gradient_step = gradient_step_registry().create(gradient_step_name(privacy), options, privacy);
  auto dropout_model = [](std::uint64_t seed) {
    ModelOptions model_options;
    model_options.hidden = {16};
    model_options.dropout = true;
    auto model = create_model(model_options, InputShape{1, 28, 28, 10});
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    initialise_keras_defaults(*model, generator);
    model->set_generator(generator);
    return model;
  };
  Fixture f;
  const TrainingView view(f.train_images, f.data.train.labels);
  std::vector<std::shared_ptr<Classifier>> together{dropout_model(1), dropout_model(2)};
  std::vector<TrainingMember> members;
  for (auto& model : together) members.push_back({model.get(), &view, model->generator().value(), nullptr});
  const auto histories = train_classifiers(members, f.test_images, f.data.test.labels, options, AugmentationOptions{}, seams);
  for (std::uint64_t seed : {1u, 2u}) {
    auto alone = dropout_model(seed);
    at::Generator generator = alone->generator().value();
    const TrainingHistory history =
        train_classifier(*alone, view, f.test_images, f.data.test.labels, options, generator, nullptr,
                         AugmentationOptions{}, seams);
    const auto& mine = together[seed - 1]->parameters();
    const auto theirs = alone->parameters();
    for (std::size_t i = 0; i < theirs.size(); ++i) EXPECT_TRUE(mine[i].equal(theirs[i])) << seed << " parameter " << i;
    EXPECT_EQ(histories[seed - 1].train_loss, history.train_loss);
    EXPECT_EQ(histories[seed - 1].val_loss, history.val_loss);
  }
  // Private training moved the weights (the step is not a no-op) and two seeds differ.
  EXPECT_FALSE(together[0]->parameters()[0].equal(dropout_model(1)->parameters()[0]));
}

}  // namespace
}  // namespace ufm
