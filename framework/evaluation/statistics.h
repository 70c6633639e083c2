#pragma once
/// Hypothesis tests used by the memorisation scores and reports, implemented in C++ and
/// checked against scipy 1.10 (tests/evaluation/statistics_test.cpp). Torch-free.
#include <cstdint>
#include <vector>

namespace ufm {

struct TestResult {
  double statistic = 0.0;
  double p_value = 1.0;
};

/// Standard normal CDF.
double normal_cdf(double z);

/// Student's t CDF with `df` degrees of freedom (df > 0, may be non-integer).
double student_t_cdf(double t, double df);

/// Regularised incomplete beta function I_x(a, b).
double regularized_incomplete_beta(double a, double b, double x);

/// Paired t-test with H1: mean(x - y) > 0; equals scipy.stats.ttest_rel(x, y, alternative="greater").
/// Statistic is t; NaN p-value when fewer than 2 pairs or zero variance of differences.
TestResult paired_t_test_greater(const std::vector<double>& x, const std::vector<double>& y);

/// Mann–Whitney U test with H1: x tends to be larger than y; equals
/// scipy.stats.mannwhitneyu(x, y, alternative="greater") with its defaults
/// (use_continuity=True, method="auto": exact when both samples have < 8 values and no ties,
/// else normal approximation with tie correction). Statistic is U of x.
TestResult mann_whitney_u_greater(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace ufm
