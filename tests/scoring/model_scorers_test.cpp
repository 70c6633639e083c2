// The registry contract for the scorers that read more than the probe outputs (patch draws,
// the control re-score, exposure, self-influence, test accuracy): on a real model with every
// input a run can provide, each returns exactly its declared outputs with their axes on a
// canary and on a control; a scorer whose input is absent returns nothing; and their values
// agree with the functions they wrap.
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "evaluation/probes.h"
#include "features/pattern.h"
#include "influence/checkpoints.h"
#include "scoring/exposure_scorer.h"
#include "scoring/scorer_registry.h"
#include "scoring/self_influence_scorer.h"
#include "score_records.h"
#include "storage/schema.h"
#include "support/random_models.h"

namespace ufm {
namespace {

constexpr std::int64_t kImages = 24;
constexpr std::int64_t kTrain = 12;
constexpr std::int64_t kCanary = 5;

// Everything a run hands the scorers, built from random models and images of one shape.
struct RunInputs {
  testing::ModelCase shape_case{"mlp", false, false, InputShape{1, 8, 8, 4}, kTrain};
  std::shared_ptr<Classifier> model = testing::random_model(shape_case, 1);
  std::shared_ptr<Classifier> control = testing::random_model(shape_case, 2);
  at::Tensor raw_ood;
  at::Tensor ood_labels;
  std::vector<ProbeInputs> draws;
  ProbeProbabilities probe_outputs;
  std::vector<Pattern> patterns;
  ExposureInputs exposure;
  at::Tensor train_images, train_labels, stamped;
  std::vector<Checkpoint> checkpoints;
  std::vector<double> train_loss = {1.0, 0.6, 0.5};
  InfluenceOptions influence_options;
  InfluenceInputs influence;

  RunInputs() {
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(7);
    raw_ood = at::rand({kImages, 1, 8, 8}, generator);
    ood_labels = at::randint(0, 4, {kImages}, generator, at::TensorOptions().dtype(at::kLong));
    ImageSplit ood{raw_ood, ood_labels};
    const Pattern feature = random_patches(1, 3, 3, 11).front();
    Normalisation normalisation{{0.3}, {0.4}};
    for (std::uint64_t d = 0; d < 3; ++d) {
      draws.push_back(make_probe_inputs(ood, feature, random_patches(kImages, 3, 3, 20 + d), 1, normalisation, true));
    }
    probe_outputs = run_probes(*model, draws.front(), 8);
    patterns.push_back(feature);
    for (const Pattern& p : random_patches(5, 3, 3, 30)) patterns.push_back(p);
    exposure.patterns = &patterns;
    exposure.stamp = StampSpec{1, normalisation, true};
    exposure.ood_images = &raw_ood;
    exposure.ood_labels = &ood_labels;
    exposure.probe_limit = kImages;
    exposure.save_candidate_scores = true;
    std::tie(train_images, train_labels) = testing::random_data(shape_case, 3);
    stamped = train_images[kCanary] + 0.5;
    for (std::int64_t epoch = 1; epoch <= 3; ++epoch) {
      checkpoints.push_back(capture_checkpoint(*testing::random_model(shape_case, 40 + epoch), epoch));
    }
    influence_options.checkpoints = CheckpointRule::kAll;
    influence_options.batch_size = 5;
    influence.checkpoints = &checkpoints;
    influence.train_loss = &train_loss;
    influence.options = &influence_options;
    influence.train_images = &train_images;
    influence.train_labels = &train_labels;
    influence.stamped = &stamped;
  }

  // The context of a canary (label >= 0: every input) or a control (label < 0: no exposure,
  // no control of its own).
  ScoringContext context(const ProbeOutputs& view, std::int64_t label) {
    ScoringContext c(view, label);
    c.model = model.get();
    c.test_images = &train_images;
    c.test_labels = &train_labels;
    c.draws = &draws;
    c.batch_size = 8;
    influence.canary_index = label >= 0 ? kCanary : -1;
    c.influence = &influence;
    if (label >= 0) {
      c.control_model = control.get();
      c.exposure = &exposure;
    }
    return c;
  }
};

std::size_t elements(const std::string& axes, const ArrayData& array) {
  std::size_t n = 1;
  for (std::int64_t s : array.shape) n *= static_cast<std::size_t>(s);
  return axes.empty() ? 1 : n;
}

TEST(ModelScorers, WithEveryRunInputEachScorerReturnsExactlyItsDeclaredOutputsWithTheirAxes) {
  RunInputs inputs;
  const ProbeOutputs view = outputs_of(inputs.probe_outputs);
  for (std::int64_t label : {std::int64_t{2}, std::int64_t{-1}}) {
    SCOPED_TRACE(label < 0 ? "control" : "canary");
    const ScoringContext context = inputs.context(view, label);
    for (const std::string& name : scorer_registry().names()) {
      SCOPED_TRACE(name);
      const auto scorer = scorer_registry().create(name);
      const ScoreResult result = scorer->score(context);
      std::set<std::string> declared;
      for (const ScoreOutput& output : scorer->outputs()) {
        declared.insert(output.path);
        EXPECT_FALSE(output.description.empty()) << output.path;
        // On a canary every input is there, so every output is; a control has no exposure
        // and no control of its own, so only what those do not condition.
        const bool expected = label >= 0 || (name != "exposure" && name != "control_rescore");
        ASSERT_EQ(result.arrays.count(output.path), expected ? 1u : 0u) << output.path;
        if (!expected) continue;
        const ArrayData& array = result.arrays.at(output.path);
        const std::string& axes = label < 0 ? output.control_axes : output.canary_axes;
        EXPECT_EQ(array.axes, axes) << output.path;
        EXPECT_EQ(static_cast<std::size_t>(array.element_count()), elements(axes, array)) << output.path;
      }
      for (const auto& item : result.arrays) EXPECT_TRUE(declared.count(item.first)) << item.first;
    }
    const ScoreResult all = score_with_all(context);
    EXPECT_EQ(all.arrays.count(schema::kSelfInfluence), 1u);
    EXPECT_EQ(all.attributes.count(schema::kSelfInfluenceRankAfter), label >= 0 ? 1u : 0u);
    EXPECT_EQ(all.kept.count(kKeptExposureScores), label >= 0 ? 1u : 0u);
  }
}

TEST(ModelScorers, EveryOutputOfACanaryAndAControlSurvivesAResultFile) {
  RunInputs inputs;
  const ProbeOutputs view = outputs_of(inputs.probe_outputs);
  ResultFile file;
  for (std::int64_t label : {std::int64_t{1}, std::int64_t{-1}}) {
    file.runs.push_back(testing::scored_record(label, score_with_all(inputs.context(view, label))));
  }
  const ResultFile back = testing::round_trip(file);
  ASSERT_EQ(back.runs.size(), 2u);
  for (const RunRecord& written : file.runs) {
    const RunRecord* read = testing::find_run(back, written.identity);
    ASSERT_NE(read, nullptr);
    for (const auto& [path, array] : written.arrays) {
      SCOPED_TRACE(written.identity + " " + path);
      ASSERT_TRUE(read->has_array(path));
      testing::expect_same_array(read->array(path), array);
    }
    EXPECT_EQ(read->attributes.count(schema::kSelfInfluenceRankAfter), written.attributes.count(schema::kSelfInfluenceRankAfter));
  }
}

TEST(ModelScorers, AScorerWhoseInputIsAbsentReturnsNothing) {
  RunInputs inputs;
  const ProbeOutputs view = outputs_of(inputs.probe_outputs);
  ScoringContext bare(view, 2);
  bare.model = inputs.model.get();
  for (const char* name : {"patch_draws", "control_rescore", "exposure", "self_influence"}) {
    SCOPED_TRACE(name);
    const ScoreResult result = scorer_registry().create(name)->score(bare);
    EXPECT_TRUE(result.arrays.empty());
    EXPECT_TRUE(result.attributes.empty());
  }
  // One patch draw: nothing to add to scores/M.
  std::vector<ProbeInputs> one = {inputs.draws.front()};
  bare.draws = &one;
  bare.control_model = inputs.control.get();
  EXPECT_TRUE(scorer_registry().create("patch_draws")->score(bare).arrays.empty());
  EXPECT_EQ(scorer_registry().create("control_rescore")->score(bare).arrays.count(schema::kScoreMDrawsControl), 0u);
}

TEST(ModelScorers, TheirValuesAreThoseOfTheFunctionsTheyWrap) {
  RunInputs inputs;
  const ProbeOutputs view = outputs_of(inputs.probe_outputs);
  const std::int64_t label = 2;
  const ScoreResult all = score_with_all(inputs.context(view, label));
  // Draw 0 of M_draws is scores/M; the control's M is the control scored alone on draw 0.
  EXPECT_EQ(all.arrays.at(schema::kScoreMDraws).as_doubles().front(), all.arrays.at(schema::kScoreM).as_doubles().front());
  const MemorisationScores control = score_model(*inputs.control, inputs.draws.front(), 8);
  EXPECT_EQ(all.arrays.at(schema::kScoreMControl).as_doubles().front(), control.per_label[label].m);
  // Exposure ranks the feature (element 0) among the saved scores.
  const std::vector<double> known = all.arrays.at(schema::kCandidateScores).as_doubles();
  std::int64_t above = 0;
  for (double s : known) above += s > known.front() ? 1 : 0;
  EXPECT_EQ(all.arrays.at(std::string(schema::kExposure) + schema::kExposureRankSuffix).as_doubles().front(),
            static_cast<double>(1 + above));
  EXPECT_EQ(all.kept.at(kKeptExposureScores), known);
  // Self-influence of the canary is that of its stamped image: another stamp changes that
  // entry and no other.
  const std::vector<double> before = all.arrays.at(schema::kSelfInfluence).as_doubles();
  inputs.stamped = inputs.train_images[kCanary] - 0.5;
  const std::vector<double> after = score_with_all(inputs.context(view, label)).arrays.at(schema::kSelfInfluence).as_doubles();
  ASSERT_EQ(before.size(), static_cast<std::size_t>(kTrain));
  for (std::int64_t i = 0; i < kTrain; ++i) {
    if (i == kCanary) {
      EXPECT_NE(before[i], after[i]);
    } else {
      EXPECT_EQ(before[i], after[i]) << i;
    }
  }
}

}  // namespace
}  // namespace ufm
