#include "privacy/privacy_profile.h"

#include <limits>

namespace ufm {

double smallest_epsilon(const std::function<double(double)>& profile, double delta) {
  if (profile(0.0) <= delta) return 0.0;
  double lo = 0.0, hi = 1.0;
  while (profile(hi) > delta) {
    lo = hi;
    hi *= 2.0;
    if (hi > 1e4) return std::numeric_limits<double>::infinity();
  }
  for (int i = 0; i < 100 && hi - lo > 1e-12 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (profile(mid) > delta ? lo : hi) = mid;
  }
  return hi;
}

std::vector<double> profile_epsilon_grid() {
  std::vector<double> grid;
  for (int i = 0; i <= 600; ++i) grid.push_back(0.05 * i);
  return grid;
}

}  // namespace ufm
