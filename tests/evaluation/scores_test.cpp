#include "evaluation/scores.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/error.h"
#include "evaluation/kl.h"
#include "core/statistics.h"

namespace ufm {
namespace {

// Owns the probe matrices so that the views stay valid. All probabilities are exact in float.
struct Probes {
  std::int64_t classes;
  std::vector<float> clean, feature, random;
  std::vector<std::int64_t> labels;
  ProbeOutputs view() const {
    const auto rows = static_cast<std::int64_t>(labels.size());
    ProbeOutputs out;
    out.clean = {clean.data(), rows, classes};
    out.feature = {feature.data(), rows, classes};
    out.random = {random.data(), rows, classes};
    out.labels = labels.data();
    return out;
  }
};

// Four OOD images, three classes. The clean and random probes agree; the feature probe moves
// mass onto class 2 for the two images whose OOD label is 2.
Probes feature_favours_class_two() {
  Probes p;
  p.classes = 3;
  p.labels = {0, 2, 2, 0};
  p.clean = {0.5f, 0.25f, 0.25f,  0.5f, 0.25f, 0.25f,  0.25f, 0.5f, 0.25f,  0.25f, 0.5f, 0.25f};
  p.random = p.clean;
  p.feature = {0.5f, 0.25f, 0.25f,  0.25f, 0.25f, 0.5f,  0.125f, 0.125f, 0.75f,  0.25f, 0.5f, 0.25f};
  return p;
}

TEST(MemorisationScores, LabelKnownScoreMatchesHandComputedValue) {
  const Probes p = feature_favours_class_two();
  const LabelKnownScore score = label_known_score(p.view(), 2);
  // Per image: ln(u_y / r_y) + 1e-7 Σ_{k≠y} ln(u_k / r_k).
  const double image1 = std::log(2.0) + 1e-7 * std::log(0.5);
  const double image2 = std::log(3.0) + 1e-7 * (std::log(0.5) + std::log(0.25));
  EXPECT_EQ(score.images, 2);
  EXPECT_NEAR(score.m, (image1 + image2) / 2.0, 1e-14);
  EXPECT_GT(score.m, 0.0);
  // The p-values are the tests on the two KL samples themselves.
  const float* r = p.random.data();
  const float* u = p.feature.data();
  const std::vector<double> kl_r = {kl_onehot(2, r + 3, 3), kl_onehot(2, r + 6, 3)};
  const std::vector<double> kl_u = {kl_onehot(2, u + 3, 3), kl_onehot(2, u + 6, 3)};
  EXPECT_DOUBLE_EQ(score.ttest_p, paired_t_test_greater(kl_r, kl_u).p_value);
  EXPECT_DOUBLE_EQ(score.mannwhitney_p, mann_whitney_u_greater(kl_r, kl_u).p_value);
  EXPECT_LT(score.ttest_p, 0.5);
}

TEST(MemorisationScores, AllScoresMatchHandComputedValues) {
  const Probes p = feature_favours_class_two();
  const MemorisationScores s = memorisation_scores(p.view());
  const double ln2 = std::log(2.0), ln3 = std::log(3.0);
  // Clean equals random, so M2 = mean KL(c‖u): 0, 0.25 ln 2, 1.25 ln 2 − 0.25 ln 3, 0.
  EXPECT_NEAR(s.m2, (1.5 * ln2 - 0.25 * ln3) / 4.0, 1e-14);
  // mean(u − c) = (−0.375, −0.375, 0.75) / 4 → class 2, and likewise mean(u − r).
  EXPECT_EQ(s.m14_label, 2);
  EXPECT_EQ(s.m15_label, 2);
  const double summed = ln2 + ln3 + 1e-7 * (2.0 * std::log(0.5) + std::log(0.25));
  EXPECT_NEAR(s.m14, summed / 4.0, 1e-14);  // over all four images; the others contribute 0
  EXPECT_NEAR(s.m15, summed / 4.0, 1e-14);
  ASSERT_EQ(s.per_label.size(), 3u);
  EXPECT_NEAR(s.per_label[2].m, summed / 2.0, 1e-14);
  EXPECT_EQ(s.per_label[0].images, 2);
  EXPECT_EQ(s.per_label[0].m, 0.0);  // feature = random on both label-0 images
  // Every row is a permutation of (0.5, 0.25, 0.25), entropy 1.5 ln 2, except feature row 3.
  EXPECT_NEAR(s.entropy_clean, 1.5 * ln2, 1e-14);
  EXPECT_NEAR(s.entropy_random, 1.5 * ln2, 1e-14);
  const double h3 = -(0.25 * std::log(0.125) + 0.75 * std::log(0.75));
  EXPECT_NEAR(s.entropy_feature, (3.0 * 1.5 * ln2 + h3) / 4.0, 1e-14);
  // KL(u‖r) is KL(c‖u) reversed: 0.25 ln 2 and 0.125 ln(1/2) + 0.125 ln(1/4) + 0.75 ln 3.
  const double kl2 = 0.125 * std::log(0.5) + 0.125 * std::log(0.25) + 0.75 * ln3;
  EXPECT_NEAR(s.kl_feature_random, (0.25 * ln2 + kl2) / 4.0, 1e-14);
}

TEST(MemorisationScores, M14AndM15GuessFromTheirOwnReferenceProbe) {
  Probes p;
  p.classes = 3;
  p.labels = {0};
  p.clean = {0.5f, 0.25f, 0.25f};
  p.feature = {0.25f, 0.5f, 0.25f};
  p.random = {0.25f, 0.625f, 0.125f};
  const MemorisationScores s = memorisation_scores(p.view());
  EXPECT_EQ(s.m14_label, 1);  // u − c = (−0.25, 0.25, 0)
  EXPECT_EQ(s.m15_label, 2);  // u − r = (0, −0.125, 0.125)
  EXPECT_NEAR(s.m14, std::log(0.5 / 0.625) + 1e-7 * std::log(2.0), 1e-14);
  EXPECT_NEAR(s.m15, std::log(2.0) + 1e-7 * std::log(0.8), 1e-14);
  EXPECT_NEAR(s.m15, label_known_score_all_images(p.view(), 2), 1e-15);
}

TEST(MemorisationScores, EmptyLabelGroupGivesNaNAndZeroImages) {
  const Probes p = feature_favours_class_two();  // no image has OOD label 1
  const LabelKnownScore score = label_known_score(p.view(), 1);
  EXPECT_EQ(score.images, 0);
  EXPECT_TRUE(std::isnan(score.m));
  EXPECT_TRUE(std::isnan(score.ttest_p));
  EXPECT_TRUE(std::isnan(score.mannwhitney_p));
  const MemorisationScores s = memorisation_scores(p.view());
  EXPECT_TRUE(std::isnan(s.per_label[1].m));
  EXPECT_EQ(s.per_label[1].images, 0);
  EXPECT_FALSE(std::isnan(s.per_label[2].m));
}

TEST(MemorisationScores, IsNearZeroWhenFeatureAndRandomProbesAgree) {
  Probes p = feature_favours_class_two();
  p.feature = p.random;
  const MemorisationScores s = memorisation_scores(p.view());
  EXPECT_EQ(s.m15, 0.0);
  EXPECT_EQ(s.per_label[2].m, 0.0);
  EXPECT_NEAR(s.m2, 0.0, 1e-15);
}

TEST(MemorisationScores, PerLabelGroupsPartitionTenThousandImages) {
  // The paper's scale (N = 10,000, K = 10), with random softmax rows from a fixed LCG.
  const std::int64_t n = 10000, k = 10;
  Probes p;
  p.classes = k;
  std::uint64_t state = 12345;
  auto uniform = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<float>((state >> 40) + 1) / static_cast<float>(1ULL << 24);
  };
  for (auto* matrix : {&p.clean, &p.feature, &p.random}) {
    for (std::int64_t i = 0; i < n; ++i) {
      std::vector<float> row(static_cast<std::size_t>(k));
      float sum = 0.0f;
      for (float& v : row) sum += (v = uniform() * uniform());
      for (float v : row) matrix->push_back(v / sum);
    }
  }
  for (std::int64_t i = 0; i < n; ++i) p.labels.push_back(static_cast<std::int64_t>(uniform() * k) % k);
  const MemorisationScores s = memorisation_scores(p.view());
  std::int64_t images = 0;
  double weighted_m = 0.0;
  for (const LabelKnownScore& label : s.per_label) {
    images += label.images;
    weighted_m += label.m * static_cast<double>(label.images);
    EXPECT_GT(label.ttest_p, 0.0);
    EXPECT_LT(label.ttest_p, 1.0);
    EXPECT_GT(label.mannwhitney_p, 0.0);
    EXPECT_LT(label.mannwhitney_p, 1.0);
  }
  EXPECT_EQ(images, n);
  // Scoring every image against its own label = the per-label scores weighted by group size.
  double direct = 0.0;
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t y = p.labels[static_cast<std::size_t>(i)];
    direct += kl_onehot(y, p.random.data() + i * k, k) - kl_onehot(y, p.feature.data() + i * k, k);
  }
  EXPECT_NEAR(weighted_m / static_cast<double>(n), direct / static_cast<double>(n), 1e-12);
  // Feature and random probes are exchangeable here, so M should be small against its noise.
  EXPECT_LT(std::fabs(s.m15), 0.1);
}

TEST(ProbeOutputs, CheckRejectsMismatchedShapes) {
  const Probes p = feature_favours_class_two();
  ProbeOutputs fewer_classes = p.view();
  fewer_classes.feature.cols = 2;
  EXPECT_THROW(fewer_classes.check(), RuntimeError);
  EXPECT_THROW(memorisation_scores(fewer_classes), RuntimeError);
  ProbeOutputs fewer_rows = p.view();
  fewer_rows.random.rows = 3;
  EXPECT_THROW(fewer_rows.check(), RuntimeError);
  ProbeOutputs no_labels = p.view();
  no_labels.labels = nullptr;
  EXPECT_THROW(no_labels.check(), RuntimeError);
  EXPECT_NO_THROW(p.view().check());
}

TEST(MemorisationScores, RejectsALabelOutsideTheClasses) {
  const Probes p = feature_favours_class_two();
  EXPECT_THROW(label_known_score(p.view(), 3), RuntimeError);
  EXPECT_THROW(label_known_score_all_images(p.view(), -1), RuntimeError);
}

}  // namespace
}  // namespace ufm
