// The 2023 probability score (science.md, "Follow-up (2023) score") from hand-made probes.
#include "scoring/probability_score.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/statistics.h"
#include "storage/schema.h"

namespace ufm {
namespace {

// Three classes, four images: labels 0, 0, 1, 2.
struct HandProbes {
  std::vector<float> clean = {0.5f, 0.3f, 0.2f,   // image 0 (label 0)
                              0.6f, 0.2f, 0.2f,   // image 1 (label 0)
                              0.2f, 0.7f, 0.1f,   // image 2 (label 1)
                              0.1f, 0.1f, 0.8f};  // image 3 (label 2)
  std::vector<float> feature = {0.7f, 0.2f, 0.1f,  //
                                0.7f, 0.1f, 0.2f,  //
                                0.1f, 0.8f, 0.1f,  //
                                0.3f, 0.1f, 0.6f};
  std::vector<float> random = {0.5f, 0.4f, 0.1f,  //
                               0.5f, 0.3f, 0.2f,  //
                               0.2f, 0.6f, 0.2f,  //
                               0.1f, 0.2f, 0.7f};
  std::vector<std::int64_t> labels = {0, 0, 1, 2};
  ProbeOutputs view() const {
    ProbeOutputs out;
    out.clean = MatrixView{clean.data(), 4, 3};
    out.feature = MatrixView{feature.data(), 4, 3};
    out.random = MatrixView{random.data(), 4, 3};
    out.labels = labels.data();
    return out;
  }
};

double d(float a, float b) { return static_cast<double>(a) - static_cast<double>(b); }

TEST(ProbabilityScore, IsTheMeanRiseOfTheLabelsProbabilityWithItsPairedTTest) {
  const HandProbes probes;
  const ProbabilityScore label0 = probability_score(probes.view(), 0);
  const std::vector<double> differences = {d(0.7f, 0.5f), d(0.7f, 0.6f)};
  EXPECT_DOUBLE_EQ(label0.m_prob, (differences[0] + differences[1]) / 2.0);
  EXPECT_DOUBLE_EQ(label0.p_value, one_sample_t_test_greater(differences).p_value);
  EXPECT_EQ(label0.images, 2);
  // One image: no t-test; no image: NaN.
  EXPECT_TRUE(std::isnan(probability_score(probes.view(), 1).p_value));
  HandProbes none = probes;
  none.labels = {0, 0, 0, 0};
  EXPECT_TRUE(std::isnan(probability_score(none.view(), 2).m_prob));
}

TEST(ProbabilityScore, LabelUnknownTakesTheLargestClassWithABonferroniP) {
  const HandProbes probes;
  const ScoringContext context(probes.view(), /*canary_label=*/1);
  const ScoreArrays out = make_probability_scorer()->score(context).arrays;
  // M_prob per class: 0 → 0.15, 1 → 0.1, 2 → −0.2: class 0 is the largest.
  EXPECT_EQ(out.at(schema::kScoreMProbUnknownLabel).as_doubles().at(0), 0.0);
  const ProbabilityScore label0 = probability_score(probes.view(), 0);
  EXPECT_DOUBLE_EQ(out.at(schema::kScoreMProbUnknown).as_doubles().at(0), label0.m_prob);
  EXPECT_DOUBLE_EQ(out.at(schema::kScoreMProbUnknownP).as_doubles().at(0), std::min(1.0, 3.0 * label0.p_value));
  // The canary's own label-known score is class 1's.
  EXPECT_DOUBLE_EQ(out.at(schema::kScoreMProb).as_doubles().at(0), d(0.8f, 0.7f));
}

TEST(ProbabilityScore, GuessesEachImagesLabelThreeWays) {
  const HandProbes probes;
  const ScoreArrays out = make_probability_scorer()->score(ScoringContext(probes.view(), -1)).arrays;
  EXPECT_EQ(out.at(schema::kLabelGuessFeature).as_doubles(), (std::vector<double>{0, 0, 1, 2}));
  // argmax p^u − p^c: image 0: (0.2, −0.1, −0.1) → 0; image 3: (0.2, 0, −0.2) → 0.
  EXPECT_EQ(out.at(schema::kLabelGuessFeatureVsClean).as_doubles(), (std::vector<double>{0, 0, 1, 0}));
  // argmax p^u − p^r: image 1: (0.2, −0.2, 0) → 0; image 2: (−0.1, 0.2, −0.1) → 1.
  EXPECT_EQ(out.at(schema::kLabelGuessFeatureVsRandom).as_doubles(), (std::vector<double>{0, 0, 1, 0}));
  EXPECT_EQ(out.at(schema::kScoreMProb).axes, "label");
}

}  // namespace
}  // namespace ufm
