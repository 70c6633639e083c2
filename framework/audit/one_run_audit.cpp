#include "audit/one_run_audit.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "audit/one_run_bound.h"
#include "core/error.h"
#include "core/statistics.h"

namespace ufm {

std::vector<double> standardise_per_label(const std::vector<double>& scores, const std::vector<std::int64_t>& labels) {
  UFM_CHECK(scores.size() == labels.size(), RuntimeError, "standardise_per_label: ", scores.size(), " scores but ",
            labels.size(), " labels");
  std::map<std::int64_t, std::vector<double>> by_label;
  for (std::size_t j = 0; j < scores.size(); ++j) {
    if (!std::isnan(scores[j])) by_label[labels[j]].push_back(scores[j]);
  }
  std::map<std::int64_t, std::pair<double, double>> moments;  // label → (mean, sd)
  for (const auto& [label, values] : by_label) {
    const double n = static_cast<double>(values.size());
    const double mean = std::accumulate(values.begin(), values.end(), 0.0) / n;
    double squares = 0.0;
    for (double v : values) squares += (v - mean) * (v - mean);
    const double sd = values.size() > 1 ? std::sqrt(squares / (n - 1.0)) : 0.0;
    moments[label] = {mean, sd > 0.0 ? sd : 1.0};
  }
  std::vector<double> out(scores.size(), std::nan(""));
  for (std::size_t j = 0; j < scores.size(); ++j) {
    if (std::isnan(scores[j])) continue;
    const auto& [mean, sd] = moments.at(labels[j]);
    out[j] = (scores[j] - mean) / sd;
  }
  return out;
}

OneRunGuesses one_run_guesses(const std::vector<double>& scores, const std::vector<bool>& stamped,
                              std::int64_t guess_stamped, std::int64_t guess_not_stamped, double delta,
                              double confidence) {
  UFM_CHECK(scores.size() == stamped.size(), RuntimeError, "one_run_guesses: ", scores.size(), " scores but ",
            stamped.size(), " coins");
  UFM_CHECK(guess_stamped >= 0 && guess_not_stamped >= 0, RuntimeError,
            "one_run_guesses: expected k+ and k- >= 0, found ", guess_stamped, " and ", guess_not_stamped);
  std::vector<std::size_t> order;
  for (std::size_t j = 0; j < scores.size(); ++j) {
    if (!std::isnan(scores[j])) order.push_back(j);
  }
  const auto defined = static_cast<std::int64_t>(order.size());
  UFM_CHECK(guess_stamped + guess_not_stamped <= defined, RuntimeError, "one_run_guesses: k+ + k- = ",
            guess_stamped + guess_not_stamped, " guesses but only ", defined, " features have a score");
  // Highest first; equal scores in index order (a rule that never looks at the coins).
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  OneRunGuesses result;
  result.canaries = defined;
  result.guesses = guess_stamped + guess_not_stamped;
  for (std::int64_t i = 0; i < guess_stamped; ++i) result.positive_correct += stamped[order[static_cast<std::size_t>(i)]];
  for (std::int64_t i = 0; i < guess_not_stamped; ++i) {
    result.negative_correct += !stamped[order[static_cast<std::size_t>(defined - 1 - i)]];
  }
  result.correct = result.positive_correct + result.negative_correct;
  if (result.guesses > 0) {
    result.p_value = binomial_test_greater(result.correct, result.guesses, 0.5).p_value;
    result.epsilon_lower =
        one_run_epsilon_lower_bound(result.canaries, result.guesses, result.correct, delta, confidence);
  }
  return result;
}

}  // namespace ufm
