#include "core/statistics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/error.h"

namespace ufm {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kPi = 3.14159265358979323846;

double normal_sf(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

double log_beta(double a, double b) { return std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b); }

// Continued fraction for I_x(a, b) (modified Lentz), valid for x < (a + 1) / (a + b + 2).
double beta_continued_fraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  constexpr double kEps = 1e-16;
  const double qab = a + b;
  const double qap = a + 1.0;
  const double qam = a - 1.0;
  double c = 1.0;
  double d = 1.0 - qab * x / qap;
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 100000; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1.0) < kEps) break;
  }
  return h;
}

// I_x(a, b) given both x and y = 1 − x, so that callers who know a tiny 1 − x exactly
// (the t tail near t = 0) do not lose it to rounding.
double incomplete_beta(double a, double b, double x, double y) {
  if (x <= 0.0) return 0.0;
  if (y <= 0.0) return 1.0;
  const double log_front = a * std::log(x) + b * std::log(y) - log_beta(a, b);
  if (x < (a + 1.0) / (a + b + 2.0)) {
    return std::exp(log_front) * beta_continued_fraction(a, b, x) / a;
  }
  return 1.0 - std::exp(log_front) * beta_continued_fraction(b, a, y) / b;
}

// P(T_df >= t).
double student_t_sf(double t, double df) { return student_t_cdf(-t, df); }

// P(X >= k) for X ~ Binomial(n, p).
double binomial_sf_at_least(std::int64_t k, std::int64_t n, double p) {
  if (k <= 0) return 1.0;
  if (k > n) return 0.0;
  return incomplete_beta(static_cast<double>(k), static_cast<double>(n - k + 1), p, 1.0 - p);
}

// Average ranks (1-based) as scipy.stats.rankdata(method="average").
std::vector<double> average_ranks(const std::vector<double>& values) {
  const std::size_t n = values.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  std::vector<double> ranks(n);
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j + 1 < n && values[order[j + 1]] == values[order[i]]) ++j;
    const double rank = 0.5 * static_cast<double>(i + j) + 1.0;
    for (std::size_t k = i; k <= j; ++k) ranks[order[k]] = rank;
    i = j + 1;
  }
  return ranks;
}

// Σ (t³ − t) over groups of equal values.
double tie_term(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  double sum = 0.0;
  for (std::size_t i = 0; i < values.size();) {
    std::size_t j = i;
    while (j < values.size() && values[j] == values[i]) ++j;
    const double t = static_cast<double>(j - i);
    sum += t * t * t - t;
    i = j;
  }
  return sum;
}

TestResult t_test_from_differences(const std::vector<double>& d) {
  const std::size_t n = d.size();
  if (n < 2) return {kNaN, kNaN};
  double mean = 0.0;
  for (double v : d) mean += v;
  mean /= static_cast<double>(n);
  double ss = 0.0;
  for (double v : d) ss += (v - mean) * (v - mean);
  const double variance = ss / static_cast<double>(n - 1);
  const double t = mean / std::sqrt(variance / static_cast<double>(n));
  if (std::isnan(t)) return {kNaN, kNaN};
  return {t, student_t_sf(t, static_cast<double>(n - 1))};
}

// P(U >= u) under H0 for Mann–Whitney with sample sizes m, n (exact, no ties).
// Counts arrangements of m x's and n y's by U = Σ_x #(y before x) with the recurrence
// f(i, j, k) = f(i − 1, j, k − j) + f(i, j − 1, k) (scipy's _MWU, Theorem 2.5 of [3]),
// rolled over j and limited to the k <= m n − u that the symmetric tail needs.
double mann_whitney_exact_sf(std::int64_t u, std::int64_t m, std::int64_t n) {
  if (m > n) std::swap(m, n);  // the null distribution is symmetric in (m, n)
  const std::int64_t limit = m * n - u;  // sf(u) = cdf(m n − u) by symmetry
  if (limit < 0) return 0.0;
  std::vector<std::vector<double>> f(static_cast<std::size_t>(m + 1),
                                     std::vector<double>(static_cast<std::size_t>(limit + 1), 0.0));
  // j = 0: only k = 0 is reachable.
  for (auto& row : f) row[0] = 1.0;
  for (std::int64_t j = 1; j <= n; ++j) {
    for (std::int64_t i = 1; i <= m; ++i) {
      auto& cur = f[static_cast<std::size_t>(i)];
      const auto& prev = f[static_cast<std::size_t>(i - 1)];
      const std::int64_t top = std::min(limit, i * j);
      for (std::int64_t k = top; k >= j; --k) cur[static_cast<std::size_t>(k)] += prev[static_cast<std::size_t>(k - j)];
    }
  }
  // f[m] now holds counts for (m, n); normalise by C(m + n, m).
  const double log_total = std::lgamma(static_cast<double>(m + n + 1)) - std::lgamma(static_cast<double>(m + 1)) -
                           std::lgamma(static_cast<double>(n + 1));
  double sum = 0.0;
  for (double c : f[static_cast<std::size_t>(m)]) sum += c;
  return std::min(1.0, sum / std::exp(log_total));
}

// ----- Kolmogorov–Smirnov two-sided distribution (port of scipy 1.10 stats/_ksstats.py) -----

// Smirnov's one-sided tail P(D+_n >= d) by the Birnbaum–Tingey sum (positive terms).
double smirnov_sf(std::int64_t n, double d) {
  if (d <= 0.0) return 1.0;
  if (d >= 1.0) return 0.0;
  const double nd = static_cast<double>(n);
  const auto jmax = static_cast<std::int64_t>(std::floor(nd * (1.0 - d)));
  double sum = 0.0;
  for (std::int64_t j = 0; j <= jmax; ++j) {
    const double jd = static_cast<double>(j);
    const double a = 1.0 - d - jd / nd;
    const double b = d + jd / nd;
    if (a <= 0.0) {
      continue;
    }
    const double log_term = std::lgamma(nd + 1.0) - std::lgamma(jd + 1.0) - std::lgamma(nd - jd + 1.0) +
                            (nd - jd) * std::log(a) + (jd - 1.0) * std::log(b);
    sum += std::exp(log_term);
  }
  return std::clamp(d * sum, 0.0, 1.0);
}

// P(D_n <= d) by the Durbin matrix as in Marsaglia, Tsang & Wang (2003), scaled as scipy does.
double kolmogorov_cdf_durbin(std::int64_t n, double d) {
  if (d >= 1.0) return 1.0;
  const double nd = static_cast<double>(n) * d;
  if (nd <= 0.5) return 0.0;
  const auto k = static_cast<std::int64_t>(std::ceil(nd));
  const double h = static_cast<double>(k) - nd;
  const std::int64_t m = 2 * k - 1;
  const auto sm = static_cast<std::size_t>(m);
  using Matrix = std::vector<double>;
  auto matmul = [sm](const Matrix& a, const Matrix& b) {
    Matrix c(sm * sm, 0.0);
    for (std::size_t i = 0; i < sm; ++i)
      for (std::size_t l = 0; l < sm; ++l) {
        const double ail = a[i * sm + l];
        if (ail == 0.0) continue;
        for (std::size_t j = 0; j < sm; ++j) c[i * sm + j] += ail * b[l * sm + j];
      }
    return c;
  };
  std::vector<double> v(sm), w(sm);
  double fac = 1.0;
  for (std::size_t j = 1; j <= sm; ++j) {
    w[j - 1] = fac;
    fac /= static_cast<double>(j);
    v[j - 1] = (1.0 - std::pow(h, static_cast<double>(j))) * fac;
  }
  const double tt = std::pow(std::max(2.0 * h - 1.0, 0.0), static_cast<double>(m)) - 2.0 * std::pow(h, static_cast<double>(m));
  v[sm - 1] = (1.0 + tt) * fac;
  Matrix hm(sm * sm, 0.0);
  for (std::size_t i = 1; i < sm; ++i)
    for (std::size_t r = i - 1; r < sm; ++r) hm[r * sm + i] = w[r - (i - 1)];
  for (std::size_t r = 0; r < sm; ++r) hm[r * sm] = v[r];
  for (std::size_t c = 0; c < sm; ++c) hm[(sm - 1) * sm + c] = v[sm - 1 - c];

  const double big = std::ldexp(1.0, 128);
  Matrix power(sm * sm, 0.0);
  for (std::size_t i = 0; i < sm; ++i) power[i * sm + i] = 1.0;
  std::int64_t exponent = 0;
  std::int64_t h_exponent = 0;
  const std::size_t kk = static_cast<std::size_t>(k - 1) * sm + static_cast<std::size_t>(k - 1);
  for (std::int64_t rest = n; rest > 0; rest /= 2) {
    if (rest % 2) {
      power = matmul(power, hm);
      exponent += h_exponent;
    }
    hm = matmul(hm, hm);
    h_exponent *= 2;
    if (std::fabs(hm[kk]) > big) {
      for (double& x : hm) x /= big;
      h_exponent += 128;
    }
  }
  double p = power[kk];
  const double small = std::ldexp(1.0, -128);
  for (std::int64_t i = 1; i <= n; ++i) {
    p = static_cast<double>(i) * p / static_cast<double>(n);
    if (std::fabs(p) < small) {
      p *= big;
      exponent -= 128;
    }
  }
  if (exponent != 0) p = std::ldexp(p, static_cast<int>(exponent));
  return std::clamp(p, 0.0, 1.0);
}

// Pelz–Good asymptotic expansion of P(D_n <= x).
double kolmogorov_cdf_pelz_good(std::int64_t n, double x) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  const double pi2 = kPi * kPi, pi4 = pi2 * pi2, pi6 = pi4 * pi2;
  const double z = std::sqrt(static_cast<double>(n)) * x;
  const double z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2;
  const double qlog = -pi2 / 8.0 / z2;
  if (qlog < -708.0) return 0.0;
  double q = std::exp(qlog);
  const double k1a = -z2, k1b = pi2 / 4.0;
  const double k2a = 6.0 * z6 + 2.0 * z4, k2b = (2.0 * z4 - 5.0 * z2) * pi2 / 4.0, k2c = pi4 * (1.0 - 2.0 * z2) / 16.0;
  const double k3d = pi6 * (5.0 - 30.0 * z2) / 64.0, k3c = pi4 * (-60.0 * z2 + 212.0 * z4) / 16.0;
  const double k3b = pi2 * (135.0 * z4 - 96.0 * z6) / 4.0, k3a = -30.0 * z6 - 90.0 * z4 * z4;
  double kt[4] = {0.0, 0.0, 0.0, 0.0};
  const auto maxk = static_cast<std::int64_t>(std::ceil(16.0 * z / kPi));
  for (std::int64_t k = maxk; k >= 1; --k) {
    const double m = 2.0 * static_cast<double>(k) - 1.0;
    const double m2 = m * m, m4 = m2 * m2, m6 = m4 * m2;
    const double qpower = std::pow(q, 8.0 * static_cast<double>(k));
    const double coeffs[4] = {1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6};
    for (int i = 0; i < 4; ++i) kt[i] = kt[i] * qpower + coeffs[i];
  }
  const double sqrt2pi = std::sqrt(2.0 * kPi);
  const double denominators[4] = {z, 6.0 * z4, 72.0 * std::pow(z, 7.0), 6480.0 * std::pow(z, 10.0)};
  for (int i = 0; i < 4; ++i) kt[i] = kt[i] * q * sqrt2pi / denominators[i];
  q = std::exp(-pi2 / 2.0 / z2);
  double k2extra = 0.0, k3extra = 0.0;
  const double sqrt3z = std::sqrt(3.0) * z;
  for (std::int64_t k = maxk; k >= 1; --k) {
    const double kd = static_cast<double>(k);
    const double qp = std::pow(q, kd * kd);
    k2extra += kd * kd * qp;
    k3extra += (sqrt3z + kPi * kd) * (sqrt3z - kPi * kd) * kd * kd * qp;
  }
  kt[2] += k2extra * pi2 * sqrt2pi / (-36.0 * z3);
  kt[3] += k3extra * pi2 * sqrt2pi / (216.0 * z6);
  double sum = 0.0;
  for (int i = 0; i < 4; ++i) sum += kt[i] / std::pow(static_cast<double>(n), i / 2.0);
  return sum;
}

// P(D_n >= x), following scipy's _kolmogn(n, x, cdf=False) branch by branch.
double kolmogorov_sf(std::int64_t n, double x) {
  if (x >= 1.0) return 0.0;
  if (x <= 0.0) return 1.0;
  const double nd = static_cast<double>(n);
  const double t = nd * x;
  if (t <= 1.0) {  // Ruben–Gambino: 1/(2n) <= x <= 1/n
    if (t <= 0.5) return 1.0;
    double prob;
    if (n <= 140) {
      prob = 1.0;
      for (std::int64_t i = 1; i <= n; ++i) prob *= static_cast<double>(i) * (1.0 / nd) * (2.0 * t - 1.0);
    } else {
      const double rn = 1.0 / nd;
      const double coeffs[8] = {-2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3,
                                8.4175084175084175084e-4, -5.952380952380952381e-4, 7.9365079365079365079e-4,
                                -2.7777777777777777778e-3, 8.3333333333333333333e-2};
      double poly = 0.0;
      for (double c : coeffs) poly = poly * (rn / nd) + c;
      const double log_nfact_div_npown = std::log(nd) / 2.0 - nd + std::log(2.0 * kPi) / 2.0 + rn * poly;
      prob = std::exp(log_nfact_div_npown + nd * std::log(2.0 * t - 1.0));
    }
    return std::clamp(1.0 - prob, 0.0, 1.0);
  }
  if (t >= nd - 1.0) return std::clamp(2.0 * std::pow(1.0 - x, nd), 0.0, 1.0);  // Ruben–Gambino
  if (x >= 0.5) return std::clamp(2.0 * smirnov_sf(n, x), 0.0, 1.0);
  const double nxsquared = t * x;
  if (n <= 140) {
    if (nxsquared <= 4.0) return std::clamp(1.0 - kolmogorov_cdf_durbin(n, x), 0.0, 1.0);
    return std::clamp(2.0 * smirnov_sf(n, x), 0.0, 1.0);
  }
  if (nxsquared >= 370.0) return 0.0;
  if (nxsquared >= 2.2) return std::clamp(2.0 * smirnov_sf(n, x), 0.0, 1.0);
  double cdf;
  if (n <= 100000 && nd * std::pow(x, 1.5) <= 1.4) {
    cdf = kolmogorov_cdf_durbin(n, x);
  } else {
    cdf = kolmogorov_cdf_pelz_good(n, x);
  }
  return std::clamp(1.0 - cdf, 0.0, 1.0);
}

void check_p_values(const std::vector<double>& p_values, const char* caller) {
  UFM_CHECK(!p_values.empty(), RuntimeError, caller, ": expected at least one p-value, found none");
  for (double p : p_values) {
    UFM_CHECK(p >= 0.0 && p <= 1.0, RuntimeError, caller, ": expected p-values in [0, 1], found ", p);
  }
}

void check_binomial(std::int64_t successes, std::int64_t trials, const char* caller) {
  UFM_CHECK(trials >= 1, RuntimeError, caller, ": expected trials >= 1, found ", trials);
  UFM_CHECK(successes >= 0 && successes <= trials, RuntimeError, caller, ": expected successes in [0, ", trials,
            "], found ", successes);
}

// x in [0, 1] with I_x(a, b) = target (I is increasing in x), by bisection to adjacent doubles.
double inverse_incomplete_beta(double a, double b, double target) {
  double lo = 0.0, hi = 1.0;
  for (int iteration = 0; iteration < 2000; ++iteration) {
    const double mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (incomplete_beta(a, b, mid, 1.0 - mid) < target) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return 0.5 * (lo + hi);
}

// x with 1 − I_x(a, b) = target, via I_{1−x}(b, a) = target so small tails keep their digits.
double inverse_incomplete_beta_upper(double a, double b, double target) {
  double lo = 0.0, hi = 1.0;
  for (int iteration = 0; iteration < 2000; ++iteration) {
    const double mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (incomplete_beta(b, a, 1.0 - mid, mid) > target) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return 0.5 * (lo + hi);
}

}  // namespace

double student_t_cdf(double t, double df) {
  if (std::isnan(t) || std::isnan(df)) return kNaN;
  if (std::isinf(t)) return t > 0 ? 1.0 : 0.0;
  // P(T <= −|t|) = ½ I_{df/(df+t²)}(df/2, ½); 1 − x = t²/(df+t²) is formed directly.
  const double t2 = t * t;
  const double tail = 0.5 * incomplete_beta(0.5 * df, 0.5, df / (df + t2), t2 / (df + t2));
  return t < 0 ? tail : 1.0 - tail;
}

double student_t_quantile(double p, double df) {
  if (!(p > 0.0 && p < 1.0) || !(df > 0.0)) return kNaN;
  // The CDF is increasing: widen a bracket until it holds p, then halve it.
  double low = -1.0, high = 1.0;
  while (student_t_cdf(low, df) > p) low *= 2.0;
  while (student_t_cdf(high, df) < p) high *= 2.0;
  for (int i = 0; i < 200 && high - low > 1e-15 * std::max(1.0, std::fabs(low)); ++i) {
    const double mid = 0.5 * (low + high);
    (student_t_cdf(mid, df) < p ? low : high) = mid;
  }
  return 0.5 * (low + high);
}

double regularized_incomplete_beta(double a, double b, double x) {
  UFM_CHECK(a > 0.0 && b > 0.0, RuntimeError, "regularized_incomplete_beta: expected a, b > 0, found a=", a, " b=", b);
  UFM_CHECK(x >= 0.0 && x <= 1.0, RuntimeError, "regularized_incomplete_beta: expected x in [0, 1], found ", x);
  return incomplete_beta(a, b, x, 1.0 - x);
}

double normal_isf(double p) {
  if (std::isnan(p) || p < 0.0 || p > 1.0) return kNaN;
  if (p == 0.0) return kInf;
  if (p == 1.0) return -kInf;
  // Above ½, 1 − p is exact (Sterbenz) and the lower tail is well conditioned.
  if (p > 0.5) return -normal_isf(1.0 - p);
  // Acklam's rational approximation of the lower quantile Φ⁻¹(p) (relative error 1e-9),
  // negated, then Halley steps on the survival function (erfc keeps the tail's digits).
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                             1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01, -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  double z;
  if (p < 0.02425) {
    const double q = std::sqrt(-2.0 * std::log(p));
    z = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  } else {
    const double q = p - 0.5;
    const double r = q * q;
    z = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
  }
  z = -z;
  for (int step = 0; step < 3; ++step) {
    const double e = normal_sf(z) - p;
    const double density = std::exp(-0.5 * z * z) / std::sqrt(2.0 * kPi);
    if (density == 0.0) break;
    const double u = -e / density;  // Newton step for sf (d sf/dz = −density)
    z = z - u / (1.0 + 0.5 * z * u);
  }
  return z;
}

TestResult paired_t_test_greater(const std::vector<double>& x, const std::vector<double>& y) {
  UFM_CHECK(x.size() == y.size(), RuntimeError, "paired_t_test_greater: expected samples of equal length, found ",
            x.size(), " and ", y.size());
  std::vector<double> d(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) d[i] = x[i] - y[i];
  return t_test_from_differences(d);
}

TestResult one_sample_t_test_greater(const std::vector<double>& x) { return t_test_from_differences(x); }

TestResult mann_whitney_u_greater(const std::vector<double>& x, const std::vector<double>& y) {
  const auto n1 = static_cast<std::int64_t>(x.size());
  const auto n2 = static_cast<std::int64_t>(y.size());
  if (n1 == 0 || n2 == 0) return {kNaN, kNaN};
  std::vector<double> xy(x);
  xy.insert(xy.end(), y.begin(), y.end());
  const std::vector<double> ranks = average_ranks(xy);
  double r1 = 0.0;
  for (std::int64_t i = 0; i < n1; ++i) r1 += ranks[static_cast<std::size_t>(i)];
  const double u1 = r1 - static_cast<double>(n1) * static_cast<double>(n1 + 1) / 2.0;
  const double ties = tie_term(xy);
  const bool exact = !(n1 > 8 && n2 > 8) && ties == 0.0;
  double p;
  if (exact) {
    p = mann_whitney_exact_sf(static_cast<std::int64_t>(u1), n1, n2);
  } else {
    const double mu = static_cast<double>(n1) * static_cast<double>(n2) / 2.0;
    const double n = static_cast<double>(n1 + n2);
    const double s = std::sqrt(static_cast<double>(n1) * static_cast<double>(n2) / 12.0 *
                               ((n + 1.0) - ties / (n * (n - 1.0))));
    const double z = (u1 - mu - 0.5) / s;  // −0.5: continuity correction toward the mean
    p = normal_sf(z);
  }
  return {u1, std::clamp(p, 0.0, 1.0)};
}

TestResult wilcoxon_signed_rank_greater(const std::vector<double>& d_in) {
  if (d_in.empty()) return {kNaN, kNaN};
  std::size_t zeros = 0;
  for (double v : d_in) zeros += v == 0.0;
  const bool exact = d_in.size() <= 50 && zeros == 0;
  std::vector<double> d;
  for (double v : d_in)
    if (v != 0.0 || exact) d.push_back(v);
  UFM_CHECK(!d.empty(), RuntimeError, "wilcoxon_signed_rank_greater: every one of the ", d_in.size(),
            " differences is zero; the test needs at least one nonzero difference");
  std::vector<double> magnitudes(d.size());
  for (std::size_t i = 0; i < d.size(); ++i) magnitudes[i] = std::fabs(d[i]);
  const std::vector<double> ranks = average_ranks(magnitudes);
  double r_plus = 0.0;
  for (std::size_t i = 0; i < d.size(); ++i)
    if (d[i] > 0.0) r_plus += ranks[i];
  const auto count = static_cast<std::int64_t>(d.size());
  double p;
  if (exact) {
    // Null distribution of T+: each rank is positive with probability ½ (scipy's
    // _get_wilcoxon_distr), built as counts / 2^n.
    const std::int64_t top = count * (count + 1) / 2;
    std::vector<double> pmf(static_cast<std::size_t>(top + 1), 0.0);
    pmf[0] = 1.0;
    for (std::int64_t k = 1; k <= count; ++k) {
      const std::int64_t width = k * (k - 1) / 2;
      for (std::int64_t r = width; r >= 0; --r) {
        const double v = pmf[static_cast<std::size_t>(r)] * 0.5;
        pmf[static_cast<std::size_t>(r)] = v;
        pmf[static_cast<std::size_t>(r + k)] += v;
      }
    }
    const auto start = static_cast<std::int64_t>(r_plus);  // scipy truncates half-integers
    p = 0.0;
    for (std::int64_t r = start; r <= top; ++r) p += pmf[static_cast<std::size_t>(r)];
  } else {
    const double n = static_cast<double>(count);
    const double mean = n * (n + 1.0) * 0.25;
    const double variance = (n * (n + 1.0) * (2.0 * n + 1.0) - 0.5 * tie_term(ranks)) / 24.0;
    p = normal_sf((r_plus - mean) / std::sqrt(variance));
  }
  return {r_plus, std::clamp(p, 0.0, 1.0)};
}

TestResult sign_test_greater(const std::vector<double>& d) {
  std::int64_t positives = 0, nonzero = 0;
  for (double v : d) {
    positives += v > 0.0;
    nonzero += v != 0.0;
  }
  if (nonzero == 0) return {kNaN, kNaN};
  return {static_cast<double>(positives), binomial_sf_at_least(positives, nonzero, 0.5)};
}

TestResult binomial_test_greater(std::int64_t successes, std::int64_t trials, double p) {
  check_binomial(successes, trials, "binomial_test_greater");
  UFM_CHECK(p >= 0.0 && p <= 1.0, RuntimeError, "binomial_test_greater: expected p in [0, 1], found ", p);
  return {static_cast<double>(successes) / static_cast<double>(trials),
          std::clamp(binomial_sf_at_least(successes, trials, p), 0.0, 1.0)};
}

TestResult fisher_combination(const std::vector<double>& p_values) {
  check_p_values(p_values, "fisher_combination");
  double statistic = 0.0;
  for (double p : p_values) statistic -= 2.0 * std::log(p);
  if (std::isinf(statistic)) return {statistic, 0.0};
  // P(χ²_{2n} >= X) = e^{−X/2} Σ_{i<n} (X/2)^i / i!, terms in log space.
  const double half = statistic / 2.0;
  double sum = 0.0;
  for (std::size_t i = 0; i < p_values.size(); ++i) {
    const double id = static_cast<double>(i);
    sum += std::exp(-half + (i == 0 ? 0.0 : id * std::log(half)) - std::lgamma(id + 1.0));
  }
  return {statistic, std::clamp(sum, 0.0, 1.0)};
}

TestResult stouffer_combination(const std::vector<double>& p_values) {
  check_p_values(p_values, "stouffer_combination");
  double sum = 0.0;
  for (double p : p_values) sum += normal_isf(p);
  const double z = sum / std::sqrt(static_cast<double>(p_values.size()));
  return {z, normal_sf(z)};
}

TestResult ks_uniform(const std::vector<double>& samples) {
  if (samples.empty()) return {kNaN, kNaN};
  std::vector<double> x(samples);
  std::sort(x.begin(), x.end());
  const auto n = static_cast<std::int64_t>(x.size());
  const double nd = static_cast<double>(n);
  double d_plus = -kInf, d_minus = -kInf;
  for (std::int64_t i = 0; i < n; ++i) {
    const double cdf = std::clamp(x[static_cast<std::size_t>(i)], 0.0, 1.0);
    d_plus = std::max(d_plus, static_cast<double>(i + 1) / nd - cdf);
    d_minus = std::max(d_minus, cdf - static_cast<double>(i) / nd);
  }
  const double d = std::max(d_plus, d_minus);
  return {d, std::clamp(kolmogorov_sf(n, d), 0.0, 1.0)};
}

std::pair<double, double> clopper_pearson_interval(std::int64_t successes, std::int64_t trials, double confidence) {
  check_binomial(successes, trials, "clopper_pearson_interval");
  UFM_CHECK(confidence > 0.0 && confidence < 1.0, RuntimeError,
            "clopper_pearson_interval: expected confidence in (0, 1), found ", confidence);
  const double alpha = 1.0 - confidence;
  const double k = static_cast<double>(successes);
  const double n = static_cast<double>(trials);
  const double lower = successes == 0 ? 0.0 : inverse_incomplete_beta(k, n - k + 1.0, alpha / 2.0);
  const double upper = successes == trials ? 1.0 : inverse_incomplete_beta_upper(k + 1.0, n - k, alpha / 2.0);
  return {lower, upper};
}

}  // namespace ufm
