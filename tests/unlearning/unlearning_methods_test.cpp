// The unlearning methods (unlearning/unlearning_method.h): each changes a trained model in
// the documented way, and each is the identity at zero strength.
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "data/synthetic.h"
#include "models/init.h"
#include "models/model_registry.h"
#include "training/trainer.h"
#include "unlearning/localized_reset.h"
#include "unlearning/unlearning_method.h"

namespace ufm {
namespace {

std::vector<at::Tensor> copy_of(Classifier& model) {
  std::vector<at::Tensor> out;
  for (const auto& p : model.parameters()) out.push_back(p.detach().clone());
  return out;
}

bool same(const std::vector<at::Tensor>& a, const std::vector<at::Tensor>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!a[i].equal(b[i])) return false;
  }
  return true;
}

double forget_loss(Classifier& model, const ForgetSet& forget) {
  at::NoGradGuard no_grad;
  model.eval();
  return at::cross_entropy_loss(model.forward(forget.images), forget.labels).item<double>();
}

// A model trained for two epochs on the synthetic task, and the context that forgets
// training image 5.
struct Trained {
  ImageDataset data = make_synthetic_dataset(SyntheticOptions{});
  at::Tensor train_images = normalise(data.train.images, data.normalisation);
  at::Tensor test_images = normalise(data.test.images, data.normalisation);
  TrainingView view{train_images, data.train.labels};
  std::shared_ptr<Classifier> model;
  std::vector<at::Tensor> initial;
  TrainingOptions train;

  Trained() {
    ModelOptions options;
    options.hidden = {64, 32};
    model = create_model(options, InputShape{1, 28, 28, 10});
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(3);
    initialise_keras_defaults(*model, generator);
    initial = copy_of(*model);
    train.max_epochs = 2;
    train.batch_size = 32;
    train.learning_rate = 1e-3;
    train.early_stopping = false;
    train_classifier(*model, view, test_images, data.test.labels, train, generator);
  }

  UnlearningContext context(const UnlearningOptions& options) {
    UnlearningContext c;
    c.model = model.get();
    c.training = &view;
    c.forget.indices = {5};
    c.forget.images = train_images.narrow(0, 5, 1);
    c.forget.labels = data.train.labels.narrow(0, 5, 1);
    c.validation_images = test_images;
    c.validation_labels = data.test.labels;
    c.train = train;
    c.options = options;
    c.initial_parameters = initial;
    c.generator = at::make_generator<at::CPUGeneratorImpl>(11);
    return c;
  }
};

TEST(UnlearningRegistry, HoldsTheFourMethods) {
  EXPECT_EQ(unlearning_registry().names(),
            (std::vector<std::string>{"finetune", "localized", "neggrad", "neggrad_plus"}));
}

// Property: with no epochs, no steps and nothing reset, every method leaves every parameter
// bit for bit as it was.
TEST(UnlearningMethods, AreTheIdentityAtZeroStrength) {
  for (const std::string& name : unlearning_registry().names()) {
    SCOPED_TRACE(name);
    Trained t;
    const std::vector<at::Tensor> before = copy_of(*t.model);
    UnlearningOptions options;
    options.method = name;
    options.epochs = 0;
    options.steps = 0;
    options.reset_fraction = 0.0;
    UnlearningContext context = t.context(options);
    unlearning_registry().create(name)->unlearn(context);
    EXPECT_TRUE(same(before, copy_of(*t.model)));
  }
}

// Property: finetune is exactly training on the retain set (the view with the forget image
// dropped from its batch) at the unlearning learning rate, from the method's generator.
TEST(FineTune, TrainsOnTheRetainSetOnly) {
  Trained a, b;
  UnlearningOptions options;
  options.method = "finetune";
  options.epochs = 1;
  options.learning_rate = 5e-4;
  const std::vector<at::Tensor> before = copy_of(*a.model);
  UnlearningContext context = a.context(options);
  unlearning_registry().create("finetune")->unlearn(context);
  EXPECT_FALSE(same(before, copy_of(*a.model)));

  TrainingView retain = b.view;
  retain.set_removed({5});
  TrainingOptions by_hand = b.train;
  by_hand.max_epochs = 1;
  by_hand.learning_rate = 5e-4;
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(11);
  train_classifier(*b.model, retain, b.test_images, b.data.test.labels, by_hand, generator);
  EXPECT_TRUE(same(copy_of(*a.model), copy_of(*b.model)));
}

// Property: NegGrad ascends the forget set's loss, more with more steps.
TEST(NegGrad, RaisesTheForgetLossWithItsSteps) {
  Trained few, many;
  UnlearningOptions options;
  options.method = "neggrad";
  options.learning_rate = 1e-3;
  UnlearningContext c1 = few.context(options);
  const double start = forget_loss(*few.model, c1.forget);
  options.steps = 3;
  c1.options = options;
  unlearning_registry().create("neggrad")->unlearn(c1);
  options.steps = 15;
  UnlearningContext c2 = many.context(options);
  unlearning_registry().create("neggrad")->unlearn(c2);
  const double after_few = forget_loss(*few.model, c1.forget), after_many = forget_loss(*many.model, c2.forget);
  EXPECT_GT(after_few, start);
  EXPECT_GT(after_many, after_few);
}

// Property: NegGrad+ descends retain batches while ascending the forget set, so it ends with
// a higher forget loss than fine-tuning alone with the same batches and rate, and keeps the
// model accurate on the test set.
TEST(NegGradPlus, AscendsTheForgetSetWhileFineTuning) {
  Trained plus, tuned;
  UnlearningOptions options;
  options.epochs = 1;
  options.learning_rate = 1e-3;
  options.method = "neggrad_plus";
  UnlearningContext c1 = plus.context(options);
  unlearning_registry().create("neggrad_plus")->unlearn(c1);
  options.method = "finetune";
  UnlearningContext c2 = tuned.context(options);
  unlearning_registry().create("finetune")->unlearn(c2);
  EXPECT_GT(forget_loss(*plus.model, c1.forget), forget_loss(*tuned.model, c2.forget) + 1.0);
  EXPECT_GT(evaluate(*plus.model, plus.test_images, plus.data.test.labels).accuracy, 0.8);
}

// Property: localized resets exactly round(fraction x parameters) elements, those of largest
// saliency |dL/dw * w| on the forget set, to their initial values, and leaves the others.
TEST(LocalizedReset, ResetsTheMostSalientFractionToTheInitialValues) {
  Trained t;
  UnlearningOptions options;
  options.method = "localized";
  options.reset_fraction = 0.05;
  options.epochs = 0;
  UnlearningContext context = t.context(options);
  const std::vector<at::Tensor> trained = copy_of(*t.model);
  const std::vector<at::Tensor> saliency = forget_saliency(*t.model, context.forget);
  unlearning_registry().create("localized")->unlearn(context);
  const std::vector<at::Tensor> after = copy_of(*t.model);
  std::int64_t total = 0, reset = 0;
  double lowest_reset = 1e300, highest_kept = -1.0;
  for (std::size_t i = 0; i < after.size(); ++i) {
    total += after[i].numel();
    const at::Tensor changed = after[i].ne(trained[i]);
    EXPECT_TRUE(after[i].masked_select(changed).equal(t.initial[i].masked_select(changed)));
    reset += changed.sum().item<std::int64_t>();
    if (changed.any().item<bool>()) lowest_reset = std::min(lowest_reset, saliency[i].masked_select(changed).min().item<double>());
    const at::Tensor kept = changed.logical_not();
    if (kept.any().item<bool>()) highest_kept = std::max(highest_kept, saliency[i].masked_select(kept).max().item<double>());
  }
  // An element whose initial value equals its trained value is reset without changing.
  EXPECT_LE(reset, std::llround(0.05 * static_cast<double>(total)));
  EXPECT_GE(reset, std::llround(0.05 * static_cast<double>(total)) - 5);
  EXPECT_GE(lowest_reset, highest_kept);
}

TEST(LocalizedReset, ResetToRandomTakesTheFreshDraw) {
  Trained t;
  UnlearningOptions options;
  options.method = "localized";
  options.reset_fraction = 0.5;
  options.reset_to = ResetTo::kRandom;
  options.epochs = 0;
  UnlearningContext context = t.context(options);
  std::vector<at::Tensor> draw;
  for (const auto& p : t.model->parameters()) draw.push_back(at::full_like(p.detach(), 42.0));
  context.draw_initialisation = [draw] { return draw; };
  unlearning_registry().create("localized")->unlearn(context);
  std::int64_t total = 0, drawn = 0;
  for (const auto& p : t.model->parameters()) {
    total += p.numel();
    drawn += p.detach().eq(42.0).sum().item<std::int64_t>();
  }
  EXPECT_EQ(drawn, std::llround(0.5 * static_cast<double>(total)));
}

}  // namespace
}  // namespace ufm
