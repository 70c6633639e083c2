#pragma once
/// The auditor of a one-run audit (Steinke, Nasr, Jagielski 2023, "Privacy auditing with one
/// (1) training run", NeurIPS): m canary features, each stamped into the training set with
/// probability ½ by an independent coin, one score per feature after training. The auditor
/// ranks the features, guesses the k₊ highest as stamped and the k₋ lowest as not, and
/// abstains on the rest. Torch-free.
#include <cstdint>
#include <vector>

namespace ufm {

struct OneRunGuesses {
  std::int64_t canaries = 0;         ///< m: features with a defined score
  std::int64_t guesses = 0;          ///< r = k₊ + k₋
  std::int64_t correct = 0;          ///< v
  std::int64_t positive_correct = 0; ///< of the k₊ "stamped" guesses
  std::int64_t negative_correct = 0; ///< of the k₋ "not stamped" guesses
  /// P(Bin(r, ½) ≥ v): the p-value of "no memorisation" under independent ½ coins (exact).
  double p_value = 1.0;
  /// ε the audit shows at the stated confidence and δ (one_run_epsilon_lower_bound).
  double epsilon_lower = 0.0;
};

/// Each score minus the mean of the scores of its label, divided by their sample sd (1
/// where a label has one feature or zero spread), so that labels whose probes are easier do
/// not take every guess. NaN scores stay NaN and are left out of the label's mean and sd.
/// RuntimeError when the lengths differ.
std::vector<double> standardise_per_label(const std::vector<double>& scores, const std::vector<std::int64_t>& labels);

/// The guesses on `scores` (higher = "stamped"; NaN = left out) against the coins
/// (`stamped[j]` true when feature j was stamped). Ties are broken by feature index, so the
/// guesses depend on the scores alone and never on the coins. RuntimeError when the lengths
/// differ, or k₊ + k₋ exceeds the defined scores.
OneRunGuesses one_run_guesses(const std::vector<double>& scores, const std::vector<bool>& stamped,
                              std::int64_t guess_stamped, std::int64_t guess_not_stamped, double delta,
                              double confidence = 0.95);

}  // namespace ufm
