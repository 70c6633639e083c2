#include "core/normal_distribution.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace ufm {

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

double normal_quantile(double p) {
  UFM_CHECK(p > 0.0 && p < 1.0, RuntimeError, "normal_quantile: p must be in (0, 1), got ", p);
  // Bisection on the monotone Φ: each step halves [lo, hi], 200 steps reach double precision.
  double lo = -40.0, hi = 40.0;
  for (int i = 0; i < 200 && hi - lo > 1e-15 * std::max(1.0, std::fabs(lo)); ++i) {
    const double mid = 0.5 * (lo + hi);
    (normal_cdf(mid) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace ufm
