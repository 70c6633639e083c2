// The trainer's seams: a sampler, a loss-to-gradient step and a post-training hook given in
// TrainingSeams are the ones training uses.
#include "training/gradient_step.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include "data/synthetic.h"
#include "models/init.h"
#include "models/model_registry.h"
#include "training/trainer.h"

namespace ufm {
namespace {

struct TrainingCase {
  ImageDataset data = make_synthetic_dataset(SyntheticOptions{});
  at::Tensor train_images = normalise(data.train.images, data.normalisation);
  at::Tensor test_images = normalise(data.test.images, data.normalisation);
  TrainingView view{train_images, data.train.labels};
  std::shared_ptr<Classifier> model;
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(3);
  TrainingOptions options;
  TrainingCase() {
    ModelOptions model_options;
    model_options.hidden = {16};
    model = create_model(model_options, InputShape{1, 28, 28, 10});
    initialise_keras_defaults(*model, generator);
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
  StepOutput compute(BatchedModel& model, const at::Tensor& x, const at::Tensor& y) const override {
    at::NoGradGuard no_grad;
    ++calls;
    const at::Tensor logits = model.forward(x);
    return {at::cross_entropy_loss(logits[0], y[0]).unsqueeze(0), logits};
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

TEST(TrainerSeams, ModelsTrainedTogetherMustGetEqualBatchSizes) {
  TrainingCase a, b;
  b.generator = at::make_generator<at::CPUGeneratorImpl>(99);
  TrainingSeams seams;
  seams.sampler = std::make_shared<UnequalSizes>();
  std::vector<TrainingMember> members{{a.model.get(), &a.view, a.generator, nullptr},
                                      {b.model.get(), &a.view, b.generator, nullptr}};
  EXPECT_THROW(train_classifiers(members, a.test_images, a.data.test.labels, a.options, AugmentationOptions{}, seams),
               RuntimeError);
}

TEST(GradientStepRegistry, OffersThePapersStep) {
  EXPECT_TRUE(gradient_step_registry().contains("mean_cross_entropy"));
}

}  // namespace
}  // namespace ufm
