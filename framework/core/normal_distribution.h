#pragma once
/// The standard normal distribution, shared by the statistics (core/statistics.h) and
/// the privacy accounting (privacy/gdp.h).

namespace ufm {

/// Φ(z) = P(Z ≤ z), Z ~ N(0, 1).
double normal_cdf(double z);

/// Φ⁻¹(p) for p in (0, 1) (RuntimeError otherwise), to double precision.
double normal_quantile(double p);

}  // namespace ufm
