#include "scoring/probability_score.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/statistics.h"
#include "storage/schema.h"

namespace ufm {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// argmax_k of a[k] − b[k] (b may be null: argmax a), first index on ties.
std::int64_t argmax_difference(const float* a, const float* b, std::int64_t classes) {
  std::int64_t best = 0;
  double best_value = -std::numeric_limits<double>::infinity();
  for (std::int64_t k = 0; k < classes; ++k) {
    const double value = static_cast<double>(a[k]) - (b ? static_cast<double>(b[k]) : 0.0);
    if (value > best_value) {
      best_value = value;
      best = k;
    }
  }
  return best;
}

class ProbabilityScorer final : public Scorer {
 public:
  std::vector<ScoreOutput> outputs() const override {
    return {
        {schema::kScoreMProb, "", "label", true, "M_prob = mean over S_y of p^u(y) − p^c(y) (2023 score)"},
        {schema::kScoreMProbTtestP, "", "label", true,
         "one-sided paired t-test p of p^u(y) > p^c(y) over S_y (per model; not calibrated)"},
        {schema::kScoreMProbUnknown, "", "", true, "label unknown: max over classes k of M_prob(k)"},
        {schema::kScoreMProbUnknownLabel, "", "", false, "label unknown: the class of largest M_prob"},
        {schema::kScoreMProbUnknownP, "", "", true,
         "label unknown: that class's t-test p times K classes (Bonferroni, capped at 1; not calibrated)"},
        {schema::kLabelGuessFeature, "image", "image", false, "per probe image: argmax p^u_i"},
        {schema::kLabelGuessFeatureVsClean, "image", "image", false, "per probe image: argmax p^u_i − p^c_i"},
        {schema::kLabelGuessFeatureVsRandom, "image", "image", false, "per probe image: argmax p^u_i − p^r_i"},
    };
  }

  ScoreResult score(const ScoringContext& context) const override {
    const ProbeOutputs& probes = context.probes();
    probes.check();
    const std::int64_t classes = probes.clean.cols;
    std::vector<ProbabilityScore> per_label;
    for (std::int64_t k = 0; k < classes; ++k) per_label.push_back(probability_score(probes, k));
    ScoreArrays out;
    out[schema::kScoreMProb] = label_output(context, per_label, [](const ProbabilityScore& s) { return s.m_prob; });
    out[schema::kScoreMProbTtestP] =
        label_output(context, per_label, [](const ProbabilityScore& s) { return s.p_value; });
    // Label unknown: the largest M_prob over classes with probe images (max over k, science.md).
    std::int64_t best = -1;
    for (std::int64_t k = 0; k < classes; ++k) {
      const double m = per_label[static_cast<std::size_t>(k)].m_prob;
      if (std::isnan(m)) continue;
      if (best < 0 || m > per_label[static_cast<std::size_t>(best)].m_prob) best = k;
    }
    const ProbabilityScore chosen = best >= 0 ? per_label[static_cast<std::size_t>(best)] : ProbabilityScore{kNaN, kNaN, 0};
    out[schema::kScoreMProbUnknown] = ArrayData::scalar(chosen.m_prob);
    out[schema::kScoreMProbUnknownLabel] = ArrayData::integer(best);
    // Bonferroni over the K classes the maximum was taken over.
    out[schema::kScoreMProbUnknownP] =
        ArrayData::scalar(std::isnan(chosen.p_value) ? kNaN : std::min(1.0, static_cast<double>(classes) * chosen.p_value));
    std::vector<std::int64_t> feature, vs_clean, vs_random;
    for (std::int64_t i = 0; i < probes.clean.rows; ++i) {
      feature.push_back(argmax_difference(probes.feature.row(i), nullptr, classes));
      vs_clean.push_back(argmax_difference(probes.feature.row(i), probes.clean.row(i), classes));
      vs_random.push_back(argmax_difference(probes.feature.row(i), probes.random.row(i), classes));
    }
    const std::vector<std::int64_t> shape = {probes.clean.rows};
    out[schema::kLabelGuessFeature] = ArrayData{shape, "image", feature};
    out[schema::kLabelGuessFeatureVsClean] = ArrayData{shape, "image", vs_clean};
    out[schema::kLabelGuessFeatureVsRandom] = ArrayData{shape, "image", vs_random};
    return out;
  }
};

}  // namespace

ProbabilityScore probability_score(const ProbeOutputs& probes, std::int64_t label) {
  std::vector<double> differences;
  for (std::int64_t i = 0; i < probes.clean.rows; ++i) {
    if (probes.labels[i] != label) continue;
    differences.push_back(static_cast<double>(probes.feature.row(i)[label]) -
                          static_cast<double>(probes.clean.row(i)[label]));
  }
  ProbabilityScore score;
  score.images = static_cast<std::int64_t>(differences.size());
  if (differences.empty()) return {kNaN, kNaN, 0};
  double sum = 0.0;
  for (double d : differences) sum += d;
  score.m_prob = sum / static_cast<double>(differences.size());
  // The paired t-test of p^u(y) against p^c(y) is the one-sample t-test of their differences.
  score.p_value = one_sample_t_test_greater(differences).p_value;
  return score;
}

std::shared_ptr<const Scorer> make_probability_scorer() { return std::make_shared<ProbabilityScorer>(); }

}  // namespace ufm
