#include "influence/self_influence.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <memory>

#include "core/error.h"
#include "models/init.h"
#include "models/layers.h"
#include "models/model_registry.h"
#include "support/random_models.h"

namespace ufm {
namespace {

using testing::expect_relatively_close;
using testing::kGrey28;
using testing::ModelCase;
using testing::random_data;
using testing::random_model;

TEST(SelfInfluence, IsTheReferenceNormWithAShortLastBatch) {
  const ModelCase c{"cnn1", true, false, kGrey28, 7};
  auto model = random_model(c, 1);
  auto [images, labels] = random_data(c, 2);
  // A batch size that does not divide the examples, so a short last batch is covered.
  expect_relatively_close(self_influence(*model, images, labels, 3), self_influence_reference(*model, images, labels),
                          1e-4);
}

TEST(SelfInfluence, DoesNotDependOnTheBatchAndLeavesTrainingModeAsItWas) {
  // With batch norm in training mode a batch would couple its examples; evaluation mode
  // makes each example's value its own, whatever batch it is computed in.
  const ModelCase c{"mlp", true, true, kGrey28, 12};
  auto model = random_model(c, 5);
  auto [images, labels] = random_data(c, 6);
  model->train();
  const at::Tensor whole = self_influence(*model, images, labels, 12);
  EXPECT_TRUE(model->is_training());
  const at::Tensor ones = self_influence(*model, images, labels, 1);
  EXPECT_TRUE(at::allclose(whole, ones, 1e-6, 0.0));
}

TEST(SelfInfluence, SumsOverCheckpointsAndRestoresTheModel) {
  const ModelCase c{"mlp", false, false, kGrey28, 10};
  auto model = random_model(c, 7);
  auto [images, labels] = random_data(c, 8);
  const Checkpoint first = capture_checkpoint(*model, 1);
  const at::Tensor at_first = self_influence(*model, images, labels, 4);
  {
    at::NoGradGuard no_grad;
    for (auto& p : model->parameters()) p.mul_(1.5);
  }
  const Checkpoint second = capture_checkpoint(*model, 2);
  const at::Tensor at_second = self_influence(*model, images, labels, 4);
  ASSERT_FALSE(at::allclose(at_first, at_second));
  {
    at::NoGradGuard no_grad;
    for (auto& p : model->parameters()) p.zero_();
  }
  const at::Tensor summed = self_influence_over_checkpoints(*model, {first, second}, images, labels, 4);
  EXPECT_TRUE(at::allclose(summed, at_first + at_second, 1e-10, 0.0));
  for (const auto& p : model->parameters()) EXPECT_EQ(p.abs().sum().item<double>(), 0.0);
  EXPECT_THROW(self_influence_over_checkpoints(*model, {}, images, labels, 4), RuntimeError);
}

TEST(Checkpoint, RoundTripsParametersAndBuffersAndRejectsOtherShapes) {
  const ModelCase c{"mlp", true, false, kGrey28, 1};
  auto model = random_model(c, 9);
  const Checkpoint saved = capture_checkpoint(*model, 3);
  EXPECT_EQ(saved.epoch, 3);
  auto other = random_model(c, 10);
  load_checkpoint(*other, saved);
  for (std::size_t i = 0; i < model->parameters().size(); ++i) {
    EXPECT_TRUE(at::equal(model->parameters()[i], other->parameters()[i]));
  }
  for (std::size_t i = 0; i < model->buffers().size(); ++i) {
    EXPECT_TRUE(at::equal(model->buffers()[i], other->buffers()[i]));
  }
  ModelCase wider = c;
  wider.batch_norm = false;
  auto different = random_model(wider, 11);
  EXPECT_THROW(load_checkpoint(*different, saved), RuntimeError);
  EXPECT_THROW(checkpoints_at({saved}, {4}), RuntimeError);
  EXPECT_EQ(checkpoints_at({saved}, {3}).front().epoch, 3);
}

TEST(TopOneConfidence, IsTheLargestSoftmaxProbability) {
  const ModelCase c{"mlp", false, false, kGrey28, 7};
  auto model = random_model(c, 12);
  auto [images, labels] = random_data(c, 13);
  const at::Tensor confidence = top1_confidence(*model, images, 3);
  at::NoGradGuard no_grad;
  model->eval();
  const at::Tensor expected = std::get<0>(at::softmax(model->forward(images).to(at::kDouble), 1).max(1));
  // Batches of 3 and of 7 may round the float32 logits differently.
  EXPECT_TRUE(at::allclose(confidence, expected, 1e-5, 0.0));
  EXPECT_TRUE((confidence >= 0.1).all().item<bool>());  // at least 1/classes
}

TEST(SelectByInfluence, TakesTheLargestOrSmallestWithTiesByIndex) {
  const std::vector<double> scores = {0.5, 3.0, 1.0, 3.0, 0.1, 0.5};
  EXPECT_EQ(select_by_influence(scores, 3, true), (std::vector<std::int64_t>{1, 3, 2}));
  EXPECT_EQ(select_by_influence(scores, 3, false), (std::vector<std::int64_t>{4, 0, 5}));
  EXPECT_EQ(select_by_influence(scores, 10, true).size(), 6u);
  EXPECT_TRUE(select_by_influence(scores, 0, true).empty());
  EXPECT_THROW(select_by_influence({1.0, std::nan("")}, 1, true), RuntimeError);
}

TEST(SelectByInfluence, HardestAndEasiestAreTheLeastAndMostConfident) {
  // Hardness selection is selection on confidence: hardest = smallest, easiest = largest.
  const std::vector<double> confidence = {0.9, 0.2, 0.99, 0.4, 0.2};
  EXPECT_EQ(select_by_influence(confidence, 2, false), (std::vector<std::int64_t>{1, 4}));
  EXPECT_EQ(select_by_influence(confidence, 2, true), (std::vector<std::int64_t>{2, 0}));
}

TEST(RankOf, IsThePositionInTheMostInfluentialOrder) {
  const std::vector<double> scores = {0.5, 3.0, 1.0, 3.0, 0.1, 0.5};
  const auto order = select_by_influence(scores, 6, true);
  for (std::size_t r = 0; r < order.size(); ++r) EXPECT_EQ(rank_of(scores, order[r]), static_cast<std::int64_t>(r + 1));
  EXPECT_THROW(rank_of(scores, 6), RuntimeError);
}

}  // namespace
}  // namespace ufm
