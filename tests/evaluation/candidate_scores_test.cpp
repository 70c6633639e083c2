// Candidate scoring (exposure): the fast first-layer update equals stamping and a full
// forward pass; the fallback covers every other model.
#include "evaluation/candidate_scores.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "features/inject.h"
#include "models/init.h"
#include "models/model_registry.h"

namespace ufm {
namespace {

using ::testing::HasSubstr;

std::shared_ptr<Classifier> initialised(const ModelOptions& options, const InputShape& shape, std::uint64_t seed = 3) {
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  auto model = create_model(options, shape);
  initialise_keras_defaults(*model, generator);
  return model;
}

at::Tensor images(std::int64_t n, const InputShape& shape, std::uint64_t seed = 5) {
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  return at::rand({n, shape.channels, shape.height, shape.width}, generator);
}

StampSpec stamp_for(std::int64_t channels) {
  StampSpec stamp;
  stamp.offset = 2;
  for (std::int64_t c = 0; c < channels; ++c) {
    stamp.normalisation.mean.push_back(0.3 + 0.1 * static_cast<double>(c));
    stamp.normalisation.std.push_back(0.35);
  }
  return stamp;
}

// The definition: stamp on [0,1] pixels, normalise, forward, log-softmax, mean over images.
at::Tensor reference_mean_log_prob(Classifier& model, const at::Tensor& raw, const std::vector<Pattern>& patterns,
                                   const StampSpec& stamp) {
  at::NoGradGuard no_grad;
  model.eval();
  std::vector<at::Tensor> rows;
  for (const Pattern& pattern : patterns) {
    const at::Tensor x = normalise(inject_feature(raw, pattern, stamp.offset), stamp.normalisation);
    rows.push_back(at::log_softmax(model.forward(x), 1).to(at::kDouble).mean(0));
  }
  return at::stack(rows);
}

void expect_matches(const CandidateMeans& means, const at::Tensor& reference, double tolerance) {
  ASSERT_EQ(means.patterns, reference.size(0));
  ASSERT_EQ(means.classes, reference.size(1));
  for (std::int64_t p = 0; p < means.patterns; ++p) {
    double total = 0.0;
    for (std::int64_t k = 0; k < means.classes; ++k) {
      EXPECT_NEAR(means.log_prob(p, k), reference[p][k].item<double>(), tolerance) << "pattern " << p << " class " << k;
      total += means.prob(p, k);
    }
    EXPECT_NEAR(total, 1.0, 1e-5);
  }
}

TEST(CandidateMeans, FastPathMatchesStampingAndAFullForwardOnTheMlp) {
  const InputShape shape{1, 28, 28, 10};
  auto model = initialised(ModelOptions{}, shape);
  const at::Tensor raw = images(37, shape);
  const auto patterns = random_patches(23, 5, 5, 11);
  const StampSpec stamp = stamp_for(1);
  ASSERT_TRUE(fast_candidate_path_available(*model, raw, stamp));
  // A chunk smaller than one candidate's working set exercises the chunk loop too.
  const CandidateMeans fast = candidate_means(*model, raw, patterns, stamp, CandidatePath::kFast, 1 << 16);
  EXPECT_TRUE(fast.fast);
  const CandidateMeans full = candidate_means(*model, raw, patterns, stamp, CandidatePath::kFull);
  EXPECT_FALSE(full.fast);
  const at::Tensor reference = reference_mean_log_prob(*model, raw, patterns, stamp);
  expect_matches(fast, reference, 2e-5);
  expect_matches(full, reference, 2e-5);
}

TEST(CandidateMeans, FastPathHandlesColourImagesBatchNormAndUnnormalisedInputs) {
  const InputShape shape{3, 12, 10, 4};
  ModelOptions options;
  options.hidden = {16, 8};
  options.batch_norm = true;
  auto model = initialised(options, shape);
  // Non-trivial running statistics, so evaluation-mode batch norm is not the identity.
  for (auto& buffer : model->named_buffers()) {
    if (buffer.key().find("running_mean") != std::string::npos) buffer.value().fill_(0.2);
    if (buffer.key().find("running_var") != std::string::npos) buffer.value().fill_(1.7);
  }
  const at::Tensor raw = images(9, shape);
  const auto patterns = random_patches(7, 3, 4, 2);
  StampSpec stamp = stamp_for(3);
  const CandidateMeans fast = candidate_means(*model, raw, patterns, stamp, CandidatePath::kFast);
  expect_matches(fast, reference_mean_log_prob(*model, raw, patterns, stamp), 2e-5);
  stamp.normalise = false;
  stamp.normalisation = Normalisation{{0.0, 0.0, 0.0}, {1.0, 1.0, 1.0}};
  const CandidateMeans raw_fast = candidate_means(*model, raw, patterns, stamp, CandidatePath::kFast);
  expect_matches(raw_fast, reference_mean_log_prob(*model, raw, patterns, stamp), 2e-5);
}

TEST(CandidateMeans, ConvNetsTakeTheFullPathWithTheSameDefinition) {
  const InputShape shape{1, 28, 28, 10};
  ModelOptions options;
  options.name = "cnn1";
  auto model = initialised(options, shape);
  const at::Tensor raw = images(6, shape);
  const auto patterns = random_patches(5, 5, 5, 4);
  const StampSpec stamp = stamp_for(1);
  EXPECT_FALSE(fast_candidate_path_available(*model, raw, stamp));
  const CandidateMeans means = candidate_means(*model, raw, patterns, stamp);
  EXPECT_FALSE(means.fast);
  expect_matches(means, reference_mean_log_prob(*model, raw, patterns, stamp), 2e-5);
  try {
    candidate_means(*model, raw, patterns, stamp, CandidatePath::kFast);
    FAIL() << "the fast path accepted a CNN";
  } catch (const RuntimeError& error) {
    EXPECT_THAT(error.what(), HasSubstr("fast path"));
  }
}

TEST(CandidateMeans, ScoringLeavesTheModelInTrainingMode) {
  const InputShape shape{1, 8, 8, 3};
  ModelOptions options;
  options.hidden = {6};
  auto model = initialised(options, shape);
  model->train();
  candidate_means(*model, images(4, shape), random_patches(3, 2, 2, 0), stamp_for(1));
  EXPECT_TRUE(model->is_training());
}

TEST(CandidateMeans, APatternThatDoesNotFitNamesTheOffset) {
  const InputShape shape{1, 8, 8, 3};
  ModelOptions options;
  options.hidden = {6};
  auto model = initialised(options, shape);
  StampSpec stamp = stamp_for(1);
  stamp.offset = 5;
  try {
    candidate_means(*model, images(4, shape), random_patches(3, 5, 5, 0), stamp);
    FAIL() << "no ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr("feature.offset: a 5x5 pattern at offset 5 does not fit in 8x8 images"));
  }
}

TEST(ScoreCandidates, LabelKnownScoreUsesOnlyTheImagesOfTheLabel) {
  const InputShape shape{1, 28, 28, 10};
  auto model = initialised(ModelOptions{}, shape);
  const at::Tensor raw = images(40, shape);
  const at::Tensor labels = at::arange(40, at::kLong).remainder(4);
  const auto patterns = random_patches(6, 5, 5, 9);
  const StampSpec stamp = stamp_for(1);
  const CandidateScores scores = score_candidates(*model, raw, labels, 2, patterns, stamp, 0);
  EXPECT_EQ(scores.known_images, 10);
  EXPECT_EQ(scores.unknown_images, 40);
  const at::Tensor own = raw.index({labels == 2});
  const at::Tensor reference = reference_mean_log_prob(*model, own, patterns, stamp);
  ASSERT_EQ(scores.known.size(), patterns.size());
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    EXPECT_NEAR(scores.known[i], reference[static_cast<std::int64_t>(i)][2].item<double>(), 2e-5);
  }
}

TEST(ScoreCandidates, LabelUnknownGuessesTheClassThatGainsMostOverTheCleanImages) {
  const InputShape shape{1, 28, 28, 10};
  auto model = initialised(ModelOptions{}, shape);
  const at::Tensor raw = images(30, shape);
  const at::Tensor labels = at::zeros({30}, at::kLong);
  const auto patterns = random_patches(4, 5, 5, 1);
  const StampSpec stamp = stamp_for(1);
  const CandidateScores scores = score_candidates(*model, raw, labels, 0, patterns, stamp, 12);
  EXPECT_EQ(scores.unknown_images, 12);
  at::NoGradGuard no_grad;
  model->eval();
  const at::Tensor subsample = raw.narrow(0, 0, 12);
  const at::Tensor clean = at::softmax(model->forward(normalise(subsample, stamp.normalisation)), 1).mean(0);
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    const at::Tensor stamped =
        at::softmax(model->forward(normalise(inject_feature(subsample, patterns[i], stamp.offset), stamp.normalisation)), 1);
    const std::int64_t guess = (stamped.mean(0) - clean).argmax().item<std::int64_t>();
    EXPECT_EQ(scores.unknown_label[i], guess);
    EXPECT_NEAR(scores.unknown[i], stamped.select(1, guess).log().mean().item<double>(), 2e-5);
  }
}

TEST(ScoreCandidates, ProbeLabelsOfTheWrongCountAreAConfigError) {
  const InputShape shape{1, 8, 8, 3};
  ModelOptions options;
  options.hidden = {6};
  auto model = initialised(options, shape);
  try {
    score_candidates(*model, images(5, shape), at::zeros({4}, at::kLong), 0, random_patches(2, 2, 2, 0),
                     stamp_for(1), 0);
    FAIL() << "no ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr("ood: expected one label per probe image (5 images), found 4 labels"));
  }
}

}  // namespace
}  // namespace ufm
