#include "core/statistics.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "statistics_golden.h"

namespace ufm {
namespace {

// Statistics and special functions are deterministic formulas: rtol 1e-9. p-values go
// through tail integrals (incomplete beta, Durbin matrix powers, ...): rtol 1e-7. Measured
// agreement with scipy 1.10 is better than 3e-12 relative on every case, so both leave room
// for other compilers and libm versions.
constexpr double kStatisticRtol = 1e-9;
constexpr double kPValueRtol = 1e-7;
constexpr double kAtol = 1e-300;

::testing::AssertionResult close(double actual, double expected, double rtol) {
  if (std::isnan(expected) && std::isnan(actual)) return ::testing::AssertionSuccess();
  if (actual == expected) return ::testing::AssertionSuccess();  // also equal infinities
  if (std::fabs(actual - expected) <= kAtol + rtol * std::fabs(expected)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "actual " << actual << " vs scipy " << expected << " (relative error "
                                       << std::fabs(actual - expected) / std::fabs(expected) << ", rtol " << rtol
                                       << ")";
}

TEST(NormalCdf, MatchesScipy) {
  for (const auto& c : golden::kNormalCdf) {
    SCOPED_TRACE(c.x);
    EXPECT_TRUE(close(normal_cdf(c.x), c.expected, kStatisticRtol));
  }
}

TEST(NormalIsf, MatchesScipy) {
  for (const auto& c : golden::kNormalIsf) {
    SCOPED_TRACE(c.x);
    EXPECT_TRUE(close(normal_isf(c.x), c.expected, kStatisticRtol));
  }
}

TEST(StudentTCdf, MatchesScipy) {
  for (const auto& c : golden::kStudentTCdf) {
    SCOPED_TRACE(::testing::Message() << "t=" << c.x << " df=" << c.y);
    EXPECT_TRUE(close(student_t_cdf(c.x, c.y), c.expected, kStatisticRtol));
  }
}

// The t quantile inverts the CDF: golden values from
// /usr/bin/python3 -c "from scipy import stats; print(repr(stats.t.ppf(p, df)))" (scipy 1.10).
// scipy's ppf is itself accurate to about 1e-9 relative only: stats.t.cdf(stats.t.ppf(0.95, 39), 39)
// is 0.95 − 2.2e-10. So the quantile is checked against scipy at 1e-8, and as the inverse of
// the CDF (whose own agreement with scipy is tested above) at 1e-14.
TEST(StudentTQuantile, MatchesScipyPpfAndInvertsTheCdf) {
  struct Case { double p, df, expected; };
  for (const Case& c : {Case{0.975, 31, 2.0395134463964077}, Case{0.975, 7, 2.3646242510102993},
                        Case{0.025, 3, -3.1824463052842638}, Case{0.95, 39, 1.6848751194973992}}) {
    SCOPED_TRACE(::testing::Message() << "p=" << c.p << " df=" << c.df);
    const double quantile = student_t_quantile(c.p, c.df);
    EXPECT_TRUE(close(quantile, c.expected, 1e-8));
    EXPECT_NEAR(student_t_cdf(quantile, c.df), c.p, 1e-14);
  }
  EXPECT_NEAR(student_t_quantile(0.5, 5), 0.0, 1e-14);
  EXPECT_TRUE(std::isnan(student_t_quantile(1.0, 5)));
  EXPECT_TRUE(std::isnan(student_t_quantile(0.5, 0)));
}

TEST(RegularizedIncompleteBeta, MatchesScipyBetainc) {
  for (const auto& c : golden::kIncompleteBeta) {
    SCOPED_TRACE(::testing::Message() << "a=" << c.x << " b=" << c.y << " x=" << c.z);
    EXPECT_TRUE(close(regularized_incomplete_beta(c.x, c.y, c.z), c.expected, kStatisticRtol));
  }
}

TEST(PairedTTest, MatchesScipyTtestRel) {
  for (const auto& c : golden::kPairedTTest) {
    SCOPED_TRACE(c.name);
    const TestResult r = paired_t_test_greater(c.x, c.y);
    EXPECT_TRUE(close(r.statistic, c.t_statistic, kStatisticRtol));
    EXPECT_TRUE(close(r.p_value, c.t_p, kPValueRtol));
  }
}

TEST(PairedTTest, IsNaNForFewerThanTwoPairsAndRejectsUnequalLengths) {
  const TestResult one = paired_t_test_greater({1.0}, {0.0});
  EXPECT_TRUE(std::isnan(one.statistic));
  EXPECT_TRUE(std::isnan(one.p_value));
  const TestResult same = paired_t_test_greater({1.0, 2.0, 3.0}, {1.0, 2.0, 3.0});
  EXPECT_TRUE(std::isnan(same.p_value));
  // Constant nonzero differences: scipy gives t = inf and p = 0.
  const TestResult constant = paired_t_test_greater({1.0, 2.0, 3.0}, {0.0, 1.0, 2.0});
  EXPECT_TRUE(std::isinf(constant.statistic));
  EXPECT_EQ(constant.p_value, 0.0);
  EXPECT_THROW(paired_t_test_greater({1.0, 2.0}, {1.0}), RuntimeError);
}

TEST(MannWhitneyU, MatchesScipyOnExactTiedAndAsymptoticPaths) {
  for (const auto* cases : {&golden::kMannWhitney, &golden::kPairedTTest}) {
    for (const auto& c : *cases) {
      SCOPED_TRACE(c.name);
      const TestResult r = mann_whitney_u_greater(c.x, c.y);
      EXPECT_TRUE(close(r.statistic, c.u_statistic, kStatisticRtol));
      EXPECT_TRUE(close(r.p_value, c.u_p, kPValueRtol));
    }
  }
}

TEST(MannWhitneyU, IsNaNForAnEmptySample) {
  EXPECT_TRUE(std::isnan(mann_whitney_u_greater({}, {1.0}).p_value));
  EXPECT_TRUE(std::isnan(mann_whitney_u_greater({1.0}, {}).p_value));
}

TEST(OneSampleTTest, MatchesScipyTtest1samp) {
  for (const auto& c : golden::kOneSample) {
    SCOPED_TRACE(c.name);
    const TestResult r = one_sample_t_test_greater(c.d);
    EXPECT_TRUE(close(r.statistic, c.t_statistic, kStatisticRtol));
    EXPECT_TRUE(close(r.p_value, c.t_p, kPValueRtol));
  }
}

TEST(WilcoxonSignedRank, MatchesScipyWilcoxon) {
  for (const auto& c : golden::kOneSample) {
    SCOPED_TRACE(c.name);
    const TestResult r = wilcoxon_signed_rank_greater(c.d);
    EXPECT_TRUE(close(r.statistic, c.w_statistic, kStatisticRtol));
    EXPECT_TRUE(close(r.p_value, c.w_p, kPValueRtol));
  }
}

TEST(WilcoxonSignedRank, RejectsAllZeroDifferences) {
  EXPECT_THROW(wilcoxon_signed_rank_greater({0.0, 0.0, 0.0}), RuntimeError);
  EXPECT_TRUE(std::isnan(wilcoxon_signed_rank_greater({}).p_value));
}

TEST(SignTest, MatchesScipyBinomtestOnNonzeroDifferences) {
  for (const auto& c : golden::kOneSample) {
    SCOPED_TRACE(c.name);
    const TestResult r = sign_test_greater(c.d);
    EXPECT_EQ(r.statistic, c.sign_statistic);
    EXPECT_TRUE(close(r.p_value, c.sign_p, kPValueRtol));
  }
  EXPECT_TRUE(std::isnan(sign_test_greater({0.0, 0.0}).p_value));
}

TEST(BinomialTest, MatchesScipyBinomtest) {
  for (const auto& c : golden::kBinomial) {
    SCOPED_TRACE(::testing::Message() << c.successes << "/" << c.trials << " p=" << c.p);
    const TestResult r = binomial_test_greater(c.successes, c.trials, c.p);
    EXPECT_TRUE(close(r.statistic, c.statistic, kStatisticRtol));
    EXPECT_TRUE(close(r.p_value, c.p_value, kPValueRtol));
  }
}

TEST(BinomialTest, RejectsImpossibleCounts) {
  EXPECT_THROW(binomial_test_greater(6, 5, 0.5), RuntimeError);
  EXPECT_THROW(binomial_test_greater(-1, 5, 0.5), RuntimeError);
  EXPECT_THROW(binomial_test_greater(1, 0, 0.5), RuntimeError);
  EXPECT_THROW(binomial_test_greater(1, 5, 1.5), RuntimeError);
}

TEST(PValueCombination, MatchesScipyCombinePvalues) {
  for (const auto& c : golden::kCombination) {
    SCOPED_TRACE(c.name);
    const TestResult fisher = fisher_combination(c.p_values);
    EXPECT_TRUE(close(fisher.statistic, c.fisher_statistic, kStatisticRtol));
    EXPECT_TRUE(close(fisher.p_value, c.fisher_p, kPValueRtol));
    const TestResult stouffer = stouffer_combination(c.p_values);
    EXPECT_TRUE(close(stouffer.statistic, c.stouffer_statistic, kStatisticRtol));
    EXPECT_TRUE(close(stouffer.p_value, c.stouffer_p, kPValueRtol));
  }
}

TEST(PValueCombination, RejectsEmptyListsAndValuesOutsideTheUnitInterval) {
  EXPECT_THROW(fisher_combination({}), RuntimeError);
  EXPECT_THROW(stouffer_combination({}), RuntimeError);
  EXPECT_THROW(fisher_combination({0.5, 1.2}), RuntimeError);
  EXPECT_THROW(stouffer_combination({-0.1}), RuntimeError);
}

TEST(KsUniform, MatchesScipyKstestOnEveryBranch) {
  for (const auto& c : golden::kKsUniform) {
    SCOPED_TRACE(c.name);
    const TestResult r = ks_uniform(c.samples);
    EXPECT_TRUE(close(r.statistic, c.statistic, kStatisticRtol));
    EXPECT_TRUE(close(r.p_value, c.p_value, kPValueRtol));
  }
}

TEST(ClopperPearsonInterval, MatchesScipyExactProportionCi) {
  for (const auto& c : golden::kClopperPearson) {
    SCOPED_TRACE(::testing::Message() << c.successes << "/" << c.trials << " at " << c.confidence);
    const auto [lower, upper] = clopper_pearson_interval(c.successes, c.trials, c.confidence);
    EXPECT_TRUE(close(lower, c.lower, kStatisticRtol));
    EXPECT_TRUE(close(upper, c.upper, kStatisticRtol));
  }
  EXPECT_THROW(clopper_pearson_interval(3, 10, 1.0), RuntimeError);
  EXPECT_THROW(clopper_pearson_interval(11, 10, 0.95), RuntimeError);
}

}  // namespace
}  // namespace ufm
