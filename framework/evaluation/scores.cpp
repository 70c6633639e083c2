#include "evaluation/scores.h"

#include <limits>

#include "core/error.h"
#include "evaluation/kl.h"
#include "core/statistics.h"

namespace ufm {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void check_label(const ProbeOutputs& probes, std::int64_t label, const char* caller) {
  UFM_CHECK(label >= 0 && label < probes.clean.cols, RuntimeError, caller, ": expected a label in [0, ",
            probes.clean.cols, "), found ", label);
}

// argmax_k mean_i (a_i(k) − b_i(k)); the first maximum wins, as numpy's argmax.
std::int64_t argmax_mean_difference(const MatrixView& a, const MatrixView& b) {
  std::vector<double> sums(static_cast<std::size_t>(a.cols), 0.0);
  for (std::int64_t i = 0; i < a.rows; ++i) {
    const float* ra = a.row(i);
    const float* rb = b.row(i);
    for (std::int64_t k = 0; k < a.cols; ++k)
      sums[static_cast<std::size_t>(k)] += static_cast<double>(ra[k]) - static_cast<double>(rb[k]);
  }
  std::int64_t best = 0;
  for (std::int64_t k = 1; k < a.cols; ++k)
    if (sums[static_cast<std::size_t>(k)] > sums[static_cast<std::size_t>(best)]) best = k;
  return best;
}

}  // namespace

void ProbeOutputs::check() const {
  const MatrixView* views[] = {&clean, &feature, &random};
  const char* names[] = {"clean", "feature", "random"};
  for (int v = 0; v < 3; ++v) {
    UFM_CHECK(views[v]->rows >= 0 && views[v]->cols >= 1, RuntimeError, "ProbeOutputs: expected the ", names[v],
              " probe outputs to be [N, K] with K >= 1, found [", views[v]->rows, ", ", views[v]->cols, "]");
    UFM_CHECK(views[v]->rows == clean.rows && views[v]->cols == clean.cols, RuntimeError,
              "ProbeOutputs: expected the ", names[v], " probe outputs to match the clean ones [", clean.rows, ", ",
              clean.cols, "], found [", views[v]->rows, ", ", views[v]->cols, "]");
    UFM_CHECK(views[v]->data != nullptr || views[v]->rows == 0, RuntimeError, "ProbeOutputs: the ", names[v],
              " probe outputs have ", views[v]->rows, " rows but no data");
  }
  UFM_CHECK(labels != nullptr || clean.rows == 0, RuntimeError, "ProbeOutputs: expected ", clean.rows,
            " OOD labels, found none");
}

LabelKnownScore label_known_score(const ProbeOutputs& probes, std::int64_t label) {
  probes.check();
  check_label(probes, label, "label_known_score");
  const std::int64_t classes = probes.clean.cols;
  std::vector<double> kl_random, kl_feature;
  for (std::int64_t i = 0; i < probes.clean.rows; ++i) {
    if (probes.labels[i] != label) continue;
    kl_random.push_back(kl_onehot(label, probes.random.row(i), classes));
    kl_feature.push_back(kl_onehot(label, probes.feature.row(i), classes));
  }
  LabelKnownScore score;
  score.images = static_cast<std::int64_t>(kl_random.size());
  if (score.images == 0) {
    score.m = score.ttest_p = score.mannwhitney_p = kNaN;
    return score;
  }
  double sum = 0.0;
  for (std::size_t i = 0; i < kl_random.size(); ++i) sum += kl_random[i] - kl_feature[i];
  score.m = sum / static_cast<double>(score.images);
  score.ttest_p = paired_t_test_greater(kl_random, kl_feature).p_value;
  score.mannwhitney_p = mann_whitney_u_greater(kl_random, kl_feature).p_value;
  return score;
}

double label_known_score_all_images(const ProbeOutputs& probes, std::int64_t label) {
  probes.check();
  check_label(probes, label, "label_known_score_all_images");
  const std::int64_t classes = probes.clean.cols;
  if (probes.clean.rows == 0) return kNaN;
  double sum = 0.0;
  for (std::int64_t i = 0; i < probes.clean.rows; ++i)
    sum += kl_onehot(label, probes.random.row(i), classes) - kl_onehot(label, probes.feature.row(i), classes);
  return sum / static_cast<double>(probes.clean.rows);
}

MemorisationScores memorisation_scores(const ProbeOutputs& probes) {
  probes.check();
  const std::int64_t n = probes.clean.rows;
  const std::int64_t classes = probes.clean.cols;
  MemorisationScores scores;
  scores.per_label.reserve(static_cast<std::size_t>(classes));
  for (std::int64_t k = 0; k < classes; ++k) scores.per_label.push_back(label_known_score(probes, k));
  if (n == 0) {
    scores.m2 = scores.m14 = scores.m15 = kNaN;
    scores.entropy_clean = scores.entropy_feature = scores.entropy_random = scores.kl_feature_random = kNaN;
    return scores;
  }

  double kl_clean_feature = 0.0, kl_clean_random = 0.0;
  for (std::int64_t i = 0; i < n; ++i) {
    const float* c = probes.clean.row(i);
    const float* u = probes.feature.row(i);
    const float* r = probes.random.row(i);
    kl_clean_feature += kl_divergence(c, u, classes);
    kl_clean_random += kl_divergence(c, r, classes);
    scores.entropy_clean += entropy(c, classes);
    scores.entropy_feature += entropy(u, classes);
    scores.entropy_random += entropy(r, classes);
    scores.kl_feature_random += kl_divergence(u, r, classes);
  }
  const double nd = static_cast<double>(n);
  scores.m2 = kl_clean_feature / nd - kl_clean_random / nd;
  scores.entropy_clean /= nd;
  scores.entropy_feature /= nd;
  scores.entropy_random /= nd;
  scores.kl_feature_random /= nd;

  scores.m14_label = argmax_mean_difference(probes.feature, probes.clean);
  scores.m14 = label_known_score_all_images(probes, scores.m14_label);
  scores.m15_label = argmax_mean_difference(probes.feature, probes.random);
  scores.m15 = label_known_score_all_images(probes, scores.m15_label);
  return scores;
}

}  // namespace ufm
