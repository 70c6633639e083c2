#include "audit/one_run_bound.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/error.h"

namespace ufm {

namespace {

void check_counts(std::int64_t canaries, std::int64_t guesses, std::int64_t correct, double delta,
                  const char* caller) {
  UFM_CHECK(correct >= 0 && correct <= guesses && guesses <= canaries, RuntimeError, caller,
            ": expected 0 <= correct <= guesses <= canaries, found ", correct, ", ", guesses, ", ", canaries);
  UFM_CHECK(delta >= 0.0 && delta <= 1.0, RuntimeError, caller, ": expected delta in [0, 1], found ", delta);
}

// P(Bin(n, p) = k) for k = 0..n, from log-gamma (n is a count of guesses: thousands at most).
std::vector<double> binomial_pmf(std::int64_t n, double p) {
  std::vector<double> pmf(static_cast<std::size_t>(n + 1), 0.0);
  const double log_p = std::log(p);
  const double log_q = std::log1p(-p);
  const double log_n = std::lgamma(static_cast<double>(n) + 1.0);
  for (std::int64_t k = 0; k <= n; ++k) {
    const double kd = static_cast<double>(k);
    const double nk = static_cast<double>(n - k);
    const double log_pmf = log_n - std::lgamma(kd + 1.0) - std::lgamma(nk + 1.0) + (k > 0 ? kd * log_p : 0.0) +
                           (k < n ? nk * log_q : 0.0);
    pmf[static_cast<std::size_t>(k)] = std::exp(log_pmf);
  }
  return pmf;
}

}  // namespace

double one_run_p_value(std::int64_t canaries, std::int64_t guesses, std::int64_t correct, double epsilon,
                       double delta) {
  check_counts(canaries, guesses, correct, delta, "one_run_p_value");
  UFM_CHECK(epsilon >= 0.0, RuntimeError, "one_run_p_value: expected epsilon >= 0, found ", epsilon);
  // The accuracy of ε-DP randomised response, e^ε/(1 + e^ε), written to keep digits at large ε.
  const double p = 1.0 / (1.0 + std::exp(-epsilon));
  if (p >= 1.0) return 1.0;
  const std::vector<double> pmf = binomial_pmf(guesses, p);
  double tail = 0.0;  // f(v) = P(Bin ≥ v), summed from the top so small tails keep their digits
  for (std::int64_t k = guesses; k >= correct; --k) tail += pmf[static_cast<std::size_t>(k)];
  double below = 0.0;  // f(v − i) − f(v) = P(v − i ≤ Bin < v)
  double slope = 0.0;  // max_i (f(v − i) − f(v))/i
  for (std::int64_t i = 1; i <= correct; ++i) {
    below += pmf[static_cast<std::size_t>(correct - i)];
    slope = std::max(slope, below / static_cast<double>(i));
  }
  return std::clamp(tail + 2.0 * static_cast<double>(canaries) * delta * slope, 0.0, 1.0);
}

double one_run_epsilon_lower_bound(std::int64_t canaries, std::int64_t guesses, std::int64_t correct, double delta,
                                   double confidence) {
  check_counts(canaries, guesses, correct, delta, "one_run_epsilon_lower_bound");
  UFM_CHECK(confidence > 0.0 && confidence < 1.0, RuntimeError,
            "one_run_epsilon_lower_bound: expected confidence in (0, 1), found ", confidence);
  const double level = 1.0 - confidence;
  auto rejected = [&](double epsilon) { return one_run_p_value(canaries, guesses, correct, epsilon, delta) < level; };
  if (!rejected(0.0)) return 0.0;
  double low = 0.0, high = 1.0;  // rejected(low), !rejected(high)
  while (rejected(high)) {
    low = high;
    high *= 2.0;
    if (high > 1e3) return low;  // unreachable: at ε ≈ 37, e^ε/(1 + e^ε) rounds to 1 and p = 1
  }
  while (high - low > 1e-9) {
    const double mid = 0.5 * (low + high);
    (rejected(mid) ? low : high) = mid;
  }
  return low;
}

}  // namespace ufm
