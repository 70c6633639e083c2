#include "privacy/gdp.h"

#include <cmath>
#include <limits>

#include "core/error.h"

namespace ufm {

double gdp_delta(double mu, double epsilon) {
  UFM_CHECK(mu >= 0.0, RuntimeError, "gdp_delta: mu must be >= 0, got ", mu);
  if (mu == 0.0) return 0.0;
  // e^ε Φ(b) as exp(ε + log Φ(b)), so that large ε does not overflow before Φ underflows.
  const double b = -epsilon / mu - mu / 2;
  const double tail = normal_cdf(b);
  const double second = tail > 0.0 ? std::exp(epsilon + std::log(tail)) : 0.0;
  return std::max(0.0, normal_cdf(-epsilon / mu + mu / 2) - second);
}

double gdp_max_tpr(double mu, double fpr) {
  UFM_CHECK(fpr > 0.0 && fpr < 1.0, RuntimeError, "gdp_max_tpr: the false-positive rate must be in (0, 1), got ", fpr);
  return 1.0 - normal_cdf(normal_quantile(1.0 - fpr) - mu);
}

double gdp_max_advantage(double mu) { return 2.0 * normal_cdf(mu / 2.0) - 1.0; }

double gdp_mu_for_tpr(double tpr, double fpr) {
  UFM_CHECK(tpr > fpr && tpr < 1.0, RuntimeError, "attack TPR must be in (FPR, 1): got TPR ", tpr, " at FPR ", fpr);
  // 1 − Φ(z − μ) = tpr ⇔ μ = z − Φ⁻¹(1 − tpr), z = Φ⁻¹(1 − fpr).
  return normal_quantile(1.0 - fpr) - normal_quantile(1.0 - tpr);
}

double gdp_mu_for_advantage(double advantage) {
  UFM_CHECK(advantage > 0.0 && advantage < 1.0, RuntimeError, "advantage must be in (0, 1), got ", advantage);
  return 2.0 * normal_quantile((1.0 + advantage) / 2.0);
}

double dp_sgd_mu_clt(double q, double sigma, long long steps) {
  if (sigma <= 0.0) return std::numeric_limits<double>::infinity();
  return q * std::sqrt(static_cast<double>(steps) * std::expm1(1.0 / (sigma * sigma)));
}

double dp_sgd_mu_clt_substitution(double q, double sigma, long long steps) {
  if (sigma <= 0.0) return std::numeric_limits<double>::infinity();
  const double inverse_variance = 1.0 / (sigma * sigma);
  // e^{a} − e^{−a} = 2 sinh(a), without cancellation at large σ.
  return q * std::sqrt(static_cast<double>(steps) * 4.0 * std::sinh(inverse_variance));
}

double dominating_mu(const std::vector<double>& epsilons, const std::vector<double>& deltas) {
  UFM_CHECK(epsilons.size() == deltas.size(), RuntimeError, "dominating_mu: ", epsilons.size(), " epsilons and ",
            deltas.size(), " deltas");
  auto dominates = [&](double mu) {
    for (std::size_t i = 0; i < epsilons.size(); ++i) {
      if (deltas[i] >= kGdpDeltaFloor && gdp_delta(mu, epsilons[i]) < deltas[i]) return false;
    }
    return true;
  };
  double lo = 1e-6, hi = 1e3;
  if (!dominates(hi)) return std::numeric_limits<double>::infinity();
  if (dominates(lo)) return lo;
  while (hi - lo > 1e-9 * hi) {
    const double mid = 0.5 * (lo + hi);
    (dominates(mid) ? hi : lo) = mid;
  }
  return hi;
}

}  // namespace ufm
