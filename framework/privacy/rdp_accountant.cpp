#include "privacy/rdp_accountant.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"

namespace ufm {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

double log_add(double a, double b) {
  if (a == -kInfinity) return b;
  if (b == -kInfinity) return a;
  const double high = std::max(a, b);
  return high + std::log1p(std::exp(std::min(a, b) - high));
}

// log A_α for integer α (Mironov, Talwar, Zhang 2019, §3.2).
double log_a_integer(double q, double sigma, std::int64_t alpha) {
  double total = -kInfinity;
  const double log_q = std::log(q), log_1mq = std::log1p(-q);
  for (std::int64_t k = 0; k <= alpha; ++k) {
    const double log_binomial = std::lgamma(double(alpha) + 1) - std::lgamma(double(k) + 1) -
                                std::lgamma(double(alpha - k) + 1);
    const double kd = static_cast<double>(k);
    const double term =
        log_binomial + (double(alpha) - kd) * log_1mq + kd * log_q + (kd * kd - kd) / (2 * sigma * sigma);
    total = log_add(total, term);
  }
  return total;
}

// log A_α = log ∫ φ_σ(z) ((1 − q) + q e^{(2z−1)/(2σ²)})^α dz by the trapezoidal rule: the
// integrand is a smooth sum of two Gaussian-like bumps (near 0 and near α, width σ), for
// which the rule converges geometrically in the step.
double log_a_numeric(double q, double sigma, double alpha) {
  const double lo = -40.0 * sigma - 1.0, hi = alpha + 40.0 * sigma + 1.0;
  const double step = sigma / 64.0;
  const auto points = static_cast<std::int64_t>(std::ceil((hi - lo) / step));
  const double h = (hi - lo) / static_cast<double>(points);
  const double log_q = std::log(q), log_1mq = std::log1p(-q);
  const double log_norm = -std::log(sigma) - 0.5 * std::log(2 * M_PI);
  double total = -kInfinity;
  for (std::int64_t i = 0; i <= points; ++i) {
    const double z = lo + h * static_cast<double>(i);
    const double log_ratio = log_add(log_1mq, log_q + (2 * z - 1) / (2 * sigma * sigma));
    double value = log_norm - z * z / (2 * sigma * sigma) + alpha * log_ratio;
    if (i == 0 || i == points) value += std::log(0.5);
    total = log_add(total, value);
  }
  return total + std::log(h);
}

RdpEpsilon epsilon_at_log_delta(const std::vector<double>& orders, const std::vector<double>& rdp, double log_delta) {
  RdpEpsilon best{kInfinity, orders.front()};
  for (std::size_t i = 0; i < orders.size(); ++i) {
    const double a = orders[i];
    const double epsilon = rdp[i] + std::log((a - 1) / a) - (log_delta + std::log(a)) / (a - 1);
    if (epsilon < best.epsilon) best = {epsilon, a};
  }
  best.epsilon = std::max(0.0, best.epsilon);
  return best;
}

}  // namespace

const std::vector<double>& default_rdp_orders() {
  static const std::vector<double> orders = [] {
    std::vector<double> out;
    for (int i = 11; i <= 109; ++i) out.push_back(i / 10.0);
    for (int a = 11; a <= 63; ++a) out.push_back(a);
    for (double a : {64.0, 80.0, 96.0, 128.0, 160.0, 192.0, 256.0, 384.0, 512.0, 1024.0}) out.push_back(a);
    return out;
  }();
  return orders;
}

double subsampled_gaussian_rdp(double q, double sigma, double alpha) {
  UFM_CHECK(q >= 0.0 && q <= 1.0, RuntimeError, "subsampled_gaussian_rdp: q must be in [0, 1], got ", q);
  UFM_CHECK(sigma >= 0.0, RuntimeError, "subsampled_gaussian_rdp: sigma must be >= 0, got ", sigma);
  UFM_CHECK(alpha > 1.0, RuntimeError, "subsampled_gaussian_rdp: the order must be > 1, got ", alpha);
  if (q == 0.0) return 0.0;
  if (sigma == 0.0) return kInfinity;
  // q = 1 is the Gaussian mechanism itself: α/(2σ²) (Mironov 2017, Prop. 7).
  if (q == 1.0) return alpha / (2 * sigma * sigma);
  const double rounded = std::round(alpha);
  const double log_a = rounded == alpha ? log_a_integer(q, sigma, static_cast<std::int64_t>(rounded))
                                        : log_a_numeric(q, sigma, alpha);
  return std::max(0.0, log_a / (alpha - 1.0));
}

RdpEpsilon epsilon_from_rdp(const std::vector<double>& orders, const std::vector<double>& rdp, double delta) {
  UFM_CHECK(orders.size() == rdp.size() && !orders.empty(), RuntimeError, "epsilon_from_rdp: ", orders.size(),
            " orders and ", rdp.size(), " RDP values");
  UFM_CHECK(delta > 0.0 && delta < 1.0, RuntimeError, "epsilon_from_rdp: delta must be in (0, 1), got ", delta);
  return epsilon_at_log_delta(orders, rdp, std::log(delta));
}

double delta_from_rdp(const std::vector<double>& orders, const std::vector<double>& rdp, double epsilon) {
  UFM_CHECK(orders.size() == rdp.size() && !orders.empty(), RuntimeError, "delta_from_rdp: ", orders.size(),
            " orders and ", rdp.size(), " RDP values");
  double best = 0.0;  // log δ, capped at log 1
  for (std::size_t i = 0; i < orders.size(); ++i) {
    const double a = orders[i];
    const double log_delta = (a - 1) * (rdp[i] - epsilon) + (a - 1) * std::log1p(-1.0 / a) - std::log(a);
    best = std::min(best, log_delta);
  }
  return std::exp(best);
}

std::vector<double> dp_sgd_rdp(double q, double sigma, std::int64_t steps) {
  std::vector<double> rdp;
  for (double a : default_rdp_orders()) rdp.push_back(static_cast<double>(steps) * subsampled_gaussian_rdp(q, sigma, a));
  return rdp;
}

RdpEpsilon dp_sgd_epsilon_add_remove(double q, double sigma, std::int64_t steps, double delta) {
  UFM_CHECK(steps >= 0, RuntimeError, "dp_sgd_epsilon: steps must be >= 0, got ", steps);
  if (steps == 0) return {0.0, default_rdp_orders().front()};  // nothing released
  return epsilon_from_rdp(default_rdp_orders(), dp_sgd_rdp(q, sigma, steps), delta);
}

RdpEpsilon dp_sgd_epsilon_replace(double q, double sigma, std::int64_t steps, double delta) {
  UFM_CHECK(delta > 0.0 && delta < 1.0, RuntimeError, "dp_sgd_epsilon: delta must be in (0, 1), got ", delta);
  if (steps == 0) return {0.0, default_rdp_orders().front()};
  const auto& orders = default_rdp_orders();
  const std::vector<double> rdp = dp_sgd_rdp(q, sigma, steps);
  // (1 + e^{ε₁(δ₁)})δ₁ grows with δ₁ (ε₁ falls more slowly than log δ₁ rises): bisect in
  // log δ₁ for the largest δ₁ meeting δ.
  auto spent = [&](double log_delta1) {
    const RdpEpsilon e = epsilon_at_log_delta(orders, rdp, log_delta1);
    return std::pair<double, RdpEpsilon>{log_delta1 + log_add(0.0, e.epsilon), e};
  };
  double lo = std::log(delta) - 2000.0, hi = std::log(delta) - std::log(2.0);
  if (spent(hi).first <= std::log(delta)) lo = hi;
  for (int i = 0; i < 200 && hi - lo > 1e-12; ++i) {
    const double mid = 0.5 * (lo + hi);
    (spent(mid).first <= std::log(delta) ? lo : hi) = mid;
  }
  const RdpEpsilon one = spent(lo).second;
  return {2.0 * one.epsilon, one.order};
}

}  // namespace ufm
