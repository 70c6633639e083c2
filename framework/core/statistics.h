#pragma once
/// Hypothesis tests used by the memorisation scores and reports, implemented in C++ and
/// checked against scipy 1.10 (tests/core/statistics_test.cpp). Torch-free.
#include <cstdint>
#include <utility>
#include <vector>

#include "core/normal_distribution.h"

namespace ufm {

struct TestResult {
  double statistic = 0.0;
  double p_value = 1.0;
};

// normal_cdf: core/normal_distribution.h.

/// Student's t CDF with `df` degrees of freedom (df > 0, may be non-integer).
double student_t_cdf(double t, double df);

/// Quantile of Student's t: the t with student_t_cdf(t, df) = p (scipy.stats.t.ppf), by
/// bisection to machine precision. p in (0, 1), df > 0; NaN otherwise.
double student_t_quantile(double p, double df);

/// Regularised incomplete beta function I_x(a, b).
double regularized_incomplete_beta(double a, double b, double x);

/// Paired t-test with H1: mean(x - y) > 0; equals scipy.stats.ttest_rel(x, y, alternative="greater").
/// t = mean(d) / (sd_{ddof=1}(d) / √n) with d = x − y, p = P(T_{n−1} >= t).
/// NaN statistic and p-value when fewer than 2 pairs; with zero variance of d, as scipy:
/// t = ±inf (p = 0 or 1) for a nonzero mean, NaN (p NaN) when every d is zero.
/// RuntimeError when x and y differ in length.
TestResult paired_t_test_greater(const std::vector<double>& x, const std::vector<double>& y);

/// Mann–Whitney U test with H1: x tends to be larger than y; equals
/// scipy.stats.mannwhitneyu(x, y, alternative="greater") with its defaults
/// (use_continuity=True, method="auto"). scipy 1.10's "auto" takes the exact null distribution
/// of U unless both samples have more than 8 values or there are ties (so one sample of
/// <= 8 values and no ties is enough for exact), else the normal approximation with tie
/// correction and continuity correction 0.5. Statistic is U of x (pairs x_i > y_j, ties 1/2);
/// p = P(U >= U_observed). NaN when either sample is empty.
TestResult mann_whitney_u_greater(const std::vector<double>& x, const std::vector<double>& y);

/// Inverse of the standard normal survival function: z with 1 − Φ(z) = p (scipy norm.isf).
double normal_isf(double p);

/// One-sample t-test with H1: mean(x) > 0; equals scipy.stats.ttest_1samp(x, 0,
/// alternative="greater"). t = mean / (sd_{ddof=1} / √n), p = P(T_{n−1} ≥ t).
/// NaN statistic and p-value when fewer than 2 values; zero variance as paired_t_test_greater.
TestResult one_sample_t_test_greater(const std::vector<double>& x);

/// Wilcoxon signed-rank test with H1: the differences d are located above 0; equals
/// scipy.stats.wilcoxon(d, alternative="greater") in scipy 1.10 with its defaults
/// (zero_method="wilcox", correction=False, method="auto"). Statistic is T+ = sum of the
/// ranks of |d| (average ranks for ties) over the positive d.
/// "auto" is exact when len(d) <= 50 (counted before dropping zeros) and no d is zero:
/// p = P(T+ >= floor(T+)) under the exact null (scipy 1.10 keeps the exact path with tied
/// |d| and truncates a half-integer T+, which we reproduce). Otherwise zeros are dropped
/// and p = 1 − Φ((T+ − n(n+1)/4) / σ), σ² = (n(n+1)(2n+1) − ½Σ(t³−t)) / 24 over tie
/// groups t, no continuity correction. NaN for an empty input; RuntimeError when every d
/// is zero on the approximate path (scipy raises ValueError there).
TestResult wilcoxon_signed_rank_greater(const std::vector<double>& d);

/// Sign test with H1: P(d > 0) > 1/2. Zeros are dropped; with k positives among n nonzero
/// d, p = P(X >= k), X ~ Binomial(n, 1/2), i.e. scipy.stats.binomtest(k, n, 0.5,
/// alternative="greater").pvalue. Statistic is k (the count of positive d).
/// NaN statistic and p-value when no d is nonzero.
TestResult sign_test_greater(const std::vector<double>& d);

/// Exact binomial test with H1: success probability > p; equals
/// scipy.stats.binomtest(successes, trials, p, alternative="greater"):
/// p-value = P(X >= successes), X ~ Binomial(trials, p). Statistic is the proportion
/// successes / trials (scipy's proportion_estimate). RuntimeError for trials < 1,
/// successes outside [0, trials] or p outside [0, 1].
TestResult binomial_test_greater(std::int64_t successes, std::int64_t trials, double p);

/// Fisher's method, scipy.stats.combine_pvalues(p_values, method="fisher"):
/// X = −2 Σ log p_i, p = P(χ²_{2n} >= X) (closed form for even degrees of freedom).
/// RuntimeError for an empty list or a p-value outside [0, 1].
TestResult fisher_combination(const std::vector<double>& p_values);

/// Stouffer's method with unit weights, scipy.stats.combine_pvalues(p_values,
/// method="stouffer"): Z = Σ Φ⁻¹(1 − p_i) / √n, p = 1 − Φ(Z).
/// RuntimeError for an empty list or a p-value outside [0, 1].
TestResult stouffer_combination(const std::vector<double>& p_values);

/// Two-sided one-sample Kolmogorov–Smirnov test of samples against Uniform(0, 1);
/// equals scipy.stats.kstest(samples, "uniform") (method "auto" = exact in scipy 1.10).
/// Statistic D = max(D+, D−); p = P(D_n >= D) from the exact distribution computed as
/// scipy's kstwo.sf does (Simard & L'Ecuyer 2011): Ruben–Gambino closed forms at the ends,
/// 2 × Smirnov's one-sided tail (Birnbaum–Tingey sum) for large D, the Durbin matrix
/// (Marsaglia–Tsang–Wang) in the middle, and the Pelz–Good expansion for n > 140 where
/// scipy uses it. One deviation: where scipy uses Pomeranz's recursion (n <= 140,
/// 0.754693 < nD² <= 4) we use the Durbin matrix, which is exact too. NaN for no samples.
TestResult ks_uniform(const std::vector<double>& samples);

/// Exact (Clopper–Pearson) two-sided confidence interval for a binomial proportion, as
/// statsmodels proportion_confint(method="beta") and scipy binomtest(...).proportion_ci(
/// method="exact"): lower = Beta⁻¹(α/2; k, n−k+1) (0 when k = 0), upper =
/// Beta⁻¹(1−α/2; k+1, n−k) (1 when k = n), α = 1 − confidence; solved by bisection.
/// RuntimeError for trials < 1, successes outside [0, trials] or confidence outside (0, 1).
std::pair<double, double> clopper_pearson_interval(std::int64_t successes, std::int64_t trials,
                                                   double confidence);

}  // namespace ufm
