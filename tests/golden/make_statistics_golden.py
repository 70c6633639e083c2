#!/usr/bin/python3
"""Writes tests/core/statistics_golden.h: reference values from scipy for the tests of
framework/core/statistics.cpp.

Run with Debian's Python (it has numpy and scipy 1.10):
    /usr/bin/python3 tests/golden/make_statistics_golden.py
The inputs are drawn from a seeded numpy generator, so the header is reproducible.
Cases cover the exact small-sample paths, ties, the large-n (n = 200) asymptotic paths and
both signs of effect; the KS cases hit every branch of scipy's kstwo.sf.
"""
import os
import sys
import warnings

import numpy as np
import scipy
from scipy import stats, special

warnings.simplefilter("ignore")  # scipy warns about small samples on the approximate paths

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "core", "statistics_golden.h")
rng = np.random.default_rng(20240611)


def num(v):
    v = float(v)
    if np.isnan(v):
        return "kNaN"
    if np.isinf(v):
        return "kInf" if v > 0 else "-kInf"
    return repr(v)


def vec(values):
    return "{" + ", ".join(num(v) for v in values) + "}"


lines = []


def emit(s=""):
    lines.append(s)


# ---------------------------------------------------------------- special functions
normal_cdf = [(z, stats.norm.cdf(z)) for z in [-12.0, -8.0, -3.0, -1.5, -0.1, 0.0, 0.3, 2.0, 5.0, 8.0]]
normal_isf = [(p, stats.norm.isf(p)) for p in [1e-300, 1e-12, 1e-5, 0.0123, 0.025, 0.3, 0.5, 0.7, 0.975, 0.99999, 1 - 1e-12]]
t_cases = [(-3.0, 2.0), (0.5, 1.0), (2.2, 7.5), (-0.01, 30.0), (10.0, 5.0), (-40.0, 199.0), (1.3, 1000.0),
           (0.0, 4.0), (6.5, 3.0), (-2.0, 0.7)]
student_t = [(t, df, stats.t.cdf(t, df)) for t, df in t_cases]
beta_cases = [(2.0, 3.0, 0.4), (0.5, 0.5, 0.1), (10.0, 20.0, 0.6), (100.0, 200.0, 0.3), (1.0, 1.0, 0.77),
              (5000.0, 0.5, 0.999), (3.5, 1.5, 0.999999), (0.1, 7.0, 1e-5), (50.0, 50.0, 0.5), (7.0, 3.0, 0.0),
              (7.0, 3.0, 1.0)]
ibeta = [(a, b, x, special.betainc(a, b, x)) for a, b, x in beta_cases]

# ---------------------------------------------------------------- two-sample and paired tests
def small_unique(n, shift):
    return list(np.round(rng.normal(shift, 1.0, n), 6))


paired_cases = []  # name, x, y
paired_cases.append(("n5_positive", small_unique(5, 0.8), small_unique(5, 0.0)))
paired_cases.append(("n6_negative", small_unique(6, -0.5), small_unique(6, 0.0)))
paired_cases.append(("n200_small_positive", list(rng.normal(0.1, 1.0, 200)), list(rng.normal(0.0, 1.0, 200))))
paired_cases.append(("n200_negative", list(rng.normal(-0.2, 1.0, 200)), list(rng.normal(0.0, 1.0, 200))))
paired_cases.append(("n2", [1.0, 3.0], [0.5, 1.0]))

mw_cases = []
mw_cases.append(("exact_5_6", small_unique(5, 1.0), small_unique(6, 0.0)))
mw_cases.append(("exact_3_12", small_unique(3, -0.3), small_unique(12, 0.0)))
mw_cases.append(("exact_8_8", small_unique(8, 0.5), small_unique(8, 0.0)))
mw_cases.append(("exact_8_30_negative", small_unique(8, -1.0), small_unique(30, 0.0)))
mw_cases.append(("ties_small", [1.0, 2.0, 2.0, 3.0, 5.0], [0.0, 2.0, 1.0, 1.0]))
mw_cases.append(("asymptotic_9_10", small_unique(9, 0.7), small_unique(10, 0.0)))
mw_cases.append(("asymptotic_200", list(rng.normal(0.15, 1.0, 200)), list(rng.normal(0.0, 1.0, 200))))
mw_cases.append(("asymptotic_200_ties_negative", list(np.round(rng.normal(-0.2, 1.0, 200), 1)),
                 list(np.round(rng.normal(0.0, 1.0, 200), 1))))
mw_cases.append(("all_equal", [2.0, 2.0, 2.0], [2.0, 2.0]))

# ---------------------------------------------------------------- one-sample tests
one_cases = []
one_cases.append(("n7_positive", small_unique(7, 0.6)))
one_cases.append(("n10_exact", small_unique(10, 0.4)))
one_cases.append(("n12_tied_magnitudes", [0.5, -0.5, 1.0, 2.0, -1.0, 3.0, 0.25, 4.0, -2.0, 1.5, 0.75, 5.0]))
one_cases.append(("n20_with_zeros", [0.0, 0.0] + small_unique(18, 0.3)))
one_cases.append(("n50_exact_negative", small_unique(50, -0.2)))
one_cases.append(("n51_approx", small_unique(51, 0.2)))
one_cases.append(("n200_approx", list(rng.normal(0.1, 1.0, 200))))
one_cases.append(("n200_ties_zeros_negative", list(np.round(rng.normal(-0.1, 1.0, 200), 1))))

one_results = []
for name, x in one_cases:
    t = stats.ttest_1samp(x, 0.0, alternative="greater")
    w = stats.wilcoxon(x, alternative="greater")
    pos = int(np.sum(np.asarray(x) > 0))
    nonzero = int(np.sum(np.asarray(x) != 0))
    s = stats.binomtest(pos, nonzero, 0.5, alternative="greater")
    one_results.append((name, x, (t.statistic, t.pvalue), (w.statistic, w.pvalue), (pos, s.pvalue)))

binomial_cases = [(7, 10, 0.5), (0, 5, 0.3), (30, 100, 0.2), (100, 100, 0.9), (3, 1000, 0.001), (1, 1, 0.5),
                  (12, 40, 0.05), (55, 100, 0.5)]
binomial = [(k, n, p, k / n, stats.binomtest(k, n, p, alternative="greater").pvalue) for k, n, p in binomial_cases]

combination_inputs = [
    ("single", [0.03]),
    ("three", [0.01, 0.2, 0.5]),
    ("mixed", [0.9, 0.95, 0.04, 0.6, 0.5]),
    ("tiny", [1e-10, 0.5]),
    ("uniform_40", list(rng.uniform(0.0, 1.0, 40))),
]
combinations = []
for name, p in combination_inputs:
    f = stats.combine_pvalues(p, method="fisher")
    s = stats.combine_pvalues(p, method="stouffer")
    combinations.append((name, p, (f.statistic, f.pvalue), (s.statistic, s.pvalue)))

# ---------------------------------------------------------------- Kolmogorov–Smirnov against U(0, 1)
ks_inputs = [
    ("n5_random", list(rng.uniform(size=5))),
    ("n10_near_grid", [(i + 0.3) / 10 for i in range(10)]),         # t = nD in (0.5, 1]
    ("n3_near_zero", [0.001, 0.002, 0.003]),                        # t >= n - 1
    ("n10_low", list(rng.uniform(0.0, 0.3, 10))),                   # D >= 0.5
    ("n20_random", list(rng.uniform(size=20))),                     # Durbin matrix
    ("n30_shifted", list(rng.uniform(0.25, 1.0, 30))),              # n D^2 in (0.75, 4]: scipy's Pomeranz
    ("n60_skewed", list(rng.uniform(size=60) ** 2)),                # n D^2 > 4: Smirnov
    ("n200_near_grid", [(i + 0.3) / 200 for i in range(200)]),      # t in (0.5, 1], n > 140
    ("n200_stratified", list((np.arange(200) + rng.uniform(size=200)) / 200)),  # t <= 1, n > 140
    ("n200_random", list(rng.uniform(size=200))),                   # Durbin for n > 140
    ("n200_mild", list(rng.uniform(size=200) ** 1.12)),             # Pelz–Good
    ("n200_skewed", list(rng.uniform(size=200) ** 1.6)),            # Smirnov for n > 140
    ("n1000_random", list(rng.uniform(size=1000))),
    ("n1000_skewed", list(rng.uniform(size=1000) ** 3)),            # Smirnov, tiny p
    ("n1000_extreme", list(rng.uniform(size=1000) ** 20)),          # D >= 0.5: Smirnov underflows to 0
    ("n2000_far", list(rng.uniform(size=2000) ** 4)),               # n D^2 >= 370 with D < 0.5: p = 0
]
ks = []
for name, x in ks_inputs:
    r = stats.kstest(x, "uniform")
    ks.append((name, x, r.statistic, r.pvalue))

cp_cases = [(0, 10, 0.95), (10, 10, 0.95), (3, 10, 0.95), (50, 100, 0.9), (1, 1000, 0.99), (7, 7, 0.5),
            (199, 200, 0.95)]
clopper = []
for k, n, c in cp_cases:
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=c, method="exact")
    clopper.append((k, n, c, ci.low, ci.high))

# ---------------------------------------------------------------- write the header
emit("// GENERATED FILE — do not edit. Regenerate with:")
emit("//   /usr/bin/python3 tests/golden/make_statistics_golden.py")
emit(f"// scipy {scipy.__version__}, numpy {np.__version__}, Python {sys.version.split()[0]}.")
emit("// Compared in statistics_test.cpp with rtol 1e-9 on statistics and special functions and")
emit("// rtol 1e-7 on p-values (atol 1e-300 so that exact zeros compare equal).")
emit("#pragma once")
emit("#include <cstdint>")
emit("#include <limits>")
emit("#include <vector>")
emit("")
emit("namespace ufm::golden {")
emit("")
emit("inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();")
emit("inline constexpr double kInf = std::numeric_limits<double>::infinity();")
emit("")
emit("struct Arg1Case { double x; double expected; };")
emit("struct Arg2Case { double x; double y; double expected; };")
emit("struct Arg3Case { double x; double y; double z; double expected; };")
emit("struct TwoSampleCase { const char* name; std::vector<double> x; std::vector<double> y;")
emit("  double t_statistic; double t_p; double u_statistic; double u_p; };")
emit("struct OneSampleCase { const char* name; std::vector<double> d; double t_statistic; double t_p;")
emit("  double w_statistic; double w_p; double sign_statistic; double sign_p; };")
emit("struct BinomialCase { std::int64_t successes; std::int64_t trials; double p; double statistic; double p_value; };")
emit("struct CombinationCase { const char* name; std::vector<double> p_values; double fisher_statistic;")
emit("  double fisher_p; double stouffer_statistic; double stouffer_p; };")
emit("struct KsCase { const char* name; std::vector<double> samples; double statistic; double p_value; };")
emit("struct IntervalCase { std::int64_t successes; std::int64_t trials; double confidence; double lower; double upper; };")
emit("")
emit("// scipy.stats.norm.cdf(x)")
emit("inline const std::vector<Arg1Case> kNormalCdf = {")
for z, v in normal_cdf:
    emit(f"    {{{num(z)}, {num(v)}}},")
emit("};")
emit("// scipy.stats.norm.isf(p)")
emit("inline const std::vector<Arg1Case> kNormalIsf = {")
for p, v in normal_isf:
    emit(f"    {{{num(p)}, {num(v)}}},")
emit("};")
emit("// scipy.stats.t.cdf(t, df)")
emit("inline const std::vector<Arg2Case> kStudentTCdf = {")
for t, df, v in student_t:
    emit(f"    {{{num(t)}, {num(df)}, {num(v)}}},")
emit("};")
emit("// scipy.special.betainc(a, b, x)")
emit("inline const std::vector<Arg3Case> kIncompleteBeta = {")
for a, b, x, v in ibeta:
    emit(f"    {{{num(a)}, {num(b)}, {num(x)}, {num(v)}}},")
emit("};")
emit("")
emit("// ttest_rel(x, y, alternative='greater') and mannwhitneyu(x, y, alternative='greater')")
emit("inline const std::vector<TwoSampleCase> kPairedTTest = {")
for name, x, y in paired_cases:
    t = stats.ttest_rel(x, y, alternative="greater")
    u = stats.mannwhitneyu(x, y, alternative="greater")
    emit(f'    {{"{name}", {vec(x)},')
    emit(f"     {vec(y)},")
    emit(f"     {num(t.statistic)}, {num(t.pvalue)}, {num(u.statistic)}, {num(u.pvalue)}}},")
emit("};")
emit("inline const std::vector<TwoSampleCase> kMannWhitney = {")
for name, x, y in mw_cases:
    u = stats.mannwhitneyu(x, y, alternative="greater")
    emit(f'    {{"{name}", {vec(x)},')
    emit(f"     {vec(y)},")
    emit(f"     kNaN, kNaN, {num(u.statistic)}, {num(u.pvalue)}}},")
emit("};")
emit("")
emit("// ttest_1samp(d, 0, alternative='greater'), wilcoxon(d, alternative='greater'),")
emit("// binomtest(#positive, #nonzero, 0.5, alternative='greater')")
emit("inline const std::vector<OneSampleCase> kOneSample = {")
for name, x, t, w, s in one_results:
    emit(f'    {{"{name}", {vec(x)},')
    emit(f"     {num(t[0])}, {num(t[1])}, {num(w[0])}, {num(w[1])}, {num(s[0])}, {num(s[1])}}},")
emit("};")
emit("// binomtest(k, n, p, alternative='greater'); statistic = k / n")
emit("inline const std::vector<BinomialCase> kBinomial = {")
for k, n, p, st, pv in binomial:
    emit(f"    {{{k}, {n}, {num(p)}, {num(st)}, {num(pv)}}},")
emit("};")
emit("// combine_pvalues(p, method='fisher') and combine_pvalues(p, method='stouffer')")
emit("inline const std::vector<CombinationCase> kCombination = {")
for name, p, f, s in combinations:
    emit(f'    {{"{name}", {vec(p)},')
    emit(f"     {num(f[0])}, {num(f[1])}, {num(s[0])}, {num(s[1])}}},")
emit("};")
emit("// kstest(samples, 'uniform')")
emit("inline const std::vector<KsCase> kKsUniform = {")
for name, x, st, pv in ks:
    emit(f'    {{"{name}", {vec(x)},')
    emit(f"     {num(st)}, {num(pv)}}},")
emit("};")
emit("// binomtest(k, n).proportion_ci(confidence_level=c, method='exact') (Clopper–Pearson)")
emit("inline const std::vector<IntervalCase> kClopperPearson = {")
for k, n, c, lo, hi in clopper:
    emit(f"    {{{k}, {n}, {num(c)}, {num(lo)}, {num(hi)}}},")
emit("};")
emit("")
emit("}  // namespace ufm::golden")

with open(OUT, "w") as f:
    f.write("\n".join(lines) + "\n")
print(f"wrote {os.path.normpath(OUT)}")
