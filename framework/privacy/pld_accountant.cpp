#include "privacy/pld_accountant.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "core/error.h"
#include "privacy/privacy_profile.h"

namespace ufm {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
// Per-step truncation: P-mass beyond z = 8.2924 standard deviations is below 1e-16 per side.
constexpr double kStepTailSd = 8.2924;
constexpr double kStepTailMass = 1e-16;

// P(a < Z ≤ b) for Z ~ N(0, 1), from the tail that keeps precision.
double standard_normal_mass(double a, double b) {
  if (b <= a) return 0.0;
  constexpr double r = 0.70710678118654752440;
  if (a >= 0.0) return 0.5 * (std::erfc(a * r) - std::erfc(b * r));
  if (b <= 0.0) return 0.5 * (std::erfc(-b * r) - std::erfc(-a * r));
  return 1.0 - 0.5 * (std::erfc(-a * r) + std::erfc(b * r));
}

// One step of one direction: the loss is a monotone function of the Gaussian output x, and
// P is a mixture of N(0, σ²) (weight w0) and N(1, σ²) (weight w1).
struct StepLoss {
  double sigma = 1.0, w0 = 1.0, w1 = 0.0;
  bool increasing = true;
  std::function<double(double)> loss;     // l(x)
  std::function<double(double)> inverse;  // x(l)
  double mass(double x_lo, double x_hi) const {
    return w0 * standard_normal_mass(x_lo / sigma, x_hi / sigma) +
           w1 * standard_normal_mass((x_lo - 1.0) / sigma, (x_hi - 1.0) / sigma);
  }
};

// g(x) = log((1 − q) + q·exp((2x − 1)/(2σ²))), the remove direction's loss, and its inverse.
StepLoss step_loss(double q, double sigma, bool remove) {
  const double s2 = sigma * sigma;
  auto g = [q, s2](double x) {
    const double t = (2.0 * x - 1.0) / (2.0 * s2);
    if (q >= 1.0) return t;
    // log((1 − q) + q e^t) = t + log q + log1p((1 − q)/(q e^t)) for large t, else direct.
    return t > 0.0 ? t + std::log(q) + std::log1p((1.0 - q) * std::exp(-t) / q) : std::log1p(q * std::expm1(t));
  };
  auto g_inverse = [q, s2](double v) {
    if (q >= 1.0) return s2 * v + 0.5;
    const double inner = std::expm1(v) + q;  // e^v − (1 − q)
    if (inner <= 0.0) return -kInfinity;
    return s2 * (std::log(inner) - std::log(q)) + 0.5;
  };
  StepLoss step;
  step.sigma = sigma;
  step.increasing = remove;
  if (remove) {
    step.w0 = 1.0 - q;
    step.w1 = q;
    step.loss = g;
    step.inverse = g_inverse;
  } else {
    step.loss = [g](double x) { return -g(x); };
    step.inverse = [g_inverse](double l) { return g_inverse(-l); };
  }
  return step;
}

// The substitution (replace-one) step: P = (1 − q)N(0, σ²) + qN(1, σ²) against
// Q = (1 − q)N(0, σ²) + qN(−1, σ²), the replaced example's clipped gradient and its
// replacement's pointing apart at full norm. Its loss l(x) = g(x) − g(−x) is increasing, and
// P and Q are mirror images, so this one direction holds both.
StepLoss substitution_step_loss(double q, double sigma) {
  const double s2 = sigma * sigma;
  StepLoss step = step_loss(q, sigma, true);
  const std::function<double(double)> g = step.loss;
  step.loss = [g](double x) { return g(x) - g(-x); };
  // With u = e^{x/σ²}, c = e^{−1/(2σ²)} and L = e^l, l(x) = l solves
  // q c u² + (1 − q)(1 − L) u − q c L = 0; u is its positive root, x = σ² log u. Large l is
  // taken in logs (L would overflow), and the other side in the form without cancellation.
  step.inverse = [q, s2](double l) {
    if (q >= 1.0) return 0.5 * s2 * l;
    const double log_qc = std::log(q) - 0.5 / s2;
    if (l > 0.0) {
      // u = (1 − q)(L − 1)/(2qc) · (1 + √(1 + r)), r = 4q²c²L / ((1 − q)²(L − 1)²).
      const double log_l_minus_1 = l + std::log(-std::expm1(-l));
      const double log_r = std::log(4.0) + 2.0 * log_qc + l - 2.0 * std::log1p(-q) - 2.0 * log_l_minus_1;
      const double log_u = std::log1p(-q) + log_l_minus_1 - std::log(2.0) - log_qc +
                           std::log1p(std::sqrt(1.0 + std::exp(log_r)));
      return s2 * log_u;
    }
    // b = (1 − q)(1 − L) ≥ 0: u = 2qcL / (b + √(b² + 4q²c²L)).
    const double big_l = std::exp(l), qc = std::exp(log_qc), b = (1.0 - q) * -std::expm1(l);
    const double u = 2.0 * qc * big_l / (b + std::sqrt(b * b + 4.0 * qc * qc * big_l));
    return u > 0.0 ? s2 * std::log(u) : -kInfinity;
  };
  return step;
}

// The pessimistic grid distribution of one step: bucket k holds the P-mass of losses in
// ((k − 1)h, kh], the low-end tail joins the lowest bucket, the high-end tail goes to +∞.
struct StepGrid {
  std::vector<double> probabilities;
  std::int64_t first_index = 0;
  double infinity_mass = 0.0;
  double low_tail = 0.0;  // merged into the lowest bucket: the optimistic profile cannot keep it
};

StepGrid discretise(const StepLoss& step, double h) {
  const double x_bottom = -kStepTailSd * step.sigma, x_top = 1.0 + kStepTailSd * step.sigma;
  const double l_bottom = step.loss(x_bottom), l_top = step.loss(x_top);
  const double l_lo = std::min(l_bottom, l_top), l_hi = std::max(l_bottom, l_top);
  const std::int64_t k_lo = static_cast<std::int64_t>(std::ceil(l_lo / h));
  const std::int64_t k_hi = static_cast<std::int64_t>(std::ceil(l_hi / h));
  const double below = step.mass(-kInfinity, x_bottom), above = step.mass(x_top, kInfinity);
  StepGrid grid;
  grid.first_index = k_lo;
  grid.probabilities.assign(static_cast<std::size_t>(k_hi - k_lo + 1), 0.0);
  // x at a loss value, clamped to the truncated range.
  auto x_at = [&](double l) {
    if (l <= l_lo) return step.increasing ? x_bottom : x_top;
    if (l >= l_hi) return step.increasing ? x_top : x_bottom;
    return step.inverse(l);
  };
  double x_prev = x_at(static_cast<double>(k_lo - 1) * h);
  for (std::int64_t k = k_lo; k <= k_hi; ++k) {
    const double x_next = x_at(static_cast<double>(k) * h);
    grid.probabilities[static_cast<std::size_t>(k - k_lo)] =
        step.increasing ? step.mass(x_prev, x_next) : step.mass(x_next, x_prev);
    x_prev = x_next;
  }
  grid.low_tail = step.increasing ? below : above;
  grid.probabilities.front() += grid.low_tail;
  grid.infinity_mass = step.increasing ? above : below;
  return grid;
}

double log_sum_exp(const std::vector<double>& log_terms) {
  double top = -kInfinity;
  for (double t : log_terms) top = std::max(top, t);
  if (!std::isfinite(top)) return top;
  double sum = 0.0;
  for (double t : log_terms) sum += std::exp(t - top);
  return top + std::log(sum);
}

// A window [lo, hi] holding all but `tail` of the T-fold sum's mass on each side, from the
// Chernoff bound P(S ≥ a) ≤ exp(T·K(λ) − λa), K the cumulant generating function of one step.
std::pair<double, double> composed_window(const StepGrid& grid, double h, std::int64_t steps, double tail) {
  std::vector<double> log_p(grid.probabilities.size()), terms(grid.probabilities.size());
  for (std::size_t i = 0; i < log_p.size(); ++i) {
    log_p[i] = grid.probabilities[i] > 0.0 ? std::log(grid.probabilities[i]) : -kInfinity;
  }
  auto cumulant = [&](double lambda) {
    for (std::size_t i = 0; i < log_p.size(); ++i) {
      terms[i] = log_p[i] + lambda * h * static_cast<double>(grid.first_index + static_cast<std::int64_t>(i));
    }
    return log_sum_exp(terms);
  };
  const double t = static_cast<double>(steps), log_tail = -std::log(tail);
  double hi = h * static_cast<double>(grid.first_index + static_cast<std::int64_t>(log_p.size()) - 1) * t;
  double lo = h * static_cast<double>(grid.first_index) * t;
  for (double lambda = 1.0 / 64; lambda <= 1024.0; lambda *= 2.0) {
    hi = std::min(hi, (t * cumulant(lambda) + log_tail) / lambda);
    lo = std::max(lo, -(t * cumulant(-lambda) + log_tail) / lambda);
  }
  return {lo, hi};
}

std::int64_t floor_mod(std::int64_t a, std::int64_t n) {
  const std::int64_t r = a % n;
  return r < 0 ? r + n : r;
}

// The T-fold convolution of the grid, on the window's points, by FFT: the circular
// convolution of length n ≥ the window is the true one folded modulo n, and what folds
// into the window from outside it is at most the window's truncated mass.
std::vector<double> compose(const StepGrid& grid, std::int64_t steps, std::int64_t window_first,
                            std::int64_t window_points) {
  std::int64_t n = 1;
  while (n < window_points) n *= 2;
  torch::Tensor single = torch::zeros({n}, torch::kFloat64);
  double* s = single.data_ptr<double>();
  for (std::size_t i = 0; i < grid.probabilities.size(); ++i) {
    s[floor_mod(grid.first_index + static_cast<std::int64_t>(i), n)] += grid.probabilities[i];
  }
  torch::Tensor base = torch::fft::rfft(single);
  torch::Tensor power = torch::ones_like(base);
  for (std::int64_t e = steps; e > 0; e >>= 1) {  // binary exponentiation, ~2 log2 T products
    if (e & 1) power = power * base;
    if (e > 1) base = base * base;
  }
  const torch::Tensor composed = torch::fft::irfft(power, n).contiguous();
  const double* c = composed.data_ptr<double>();
  std::vector<double> window(static_cast<std::size_t>(window_points));
  for (std::int64_t j = 0; j < window_points; ++j) {
    window[static_cast<std::size_t>(j)] = std::max(0.0, c[floor_mod(window_first + j, n)]);
  }
  return window;
}

}  // namespace

ComposedPrivacyLoss::ComposedPrivacyLoss(std::vector<double> probabilities, std::int64_t first_index, double interval,
                                         std::int64_t steps, double infinity_mass, double truncated_mass,
                                         double dropped_mass)
    : interval_(interval), shift_(interval * static_cast<double>(steps)) {
  // Only losses above ε ≥ 0 count, so keep the suffix sums from the first positive loss.
  const std::int64_t count = static_cast<std::int64_t>(probabilities.size());
  first_positive_ = std::max<std::int64_t>(first_index, 1);
  const std::int64_t start = first_positive_ - first_index;
  const std::int64_t kept = std::max<std::int64_t>(0, count - start);
  tail_.assign(static_cast<std::size_t>(kept) + 1, 0.0);
  tail_weighted_.assign(static_cast<std::size_t>(kept) + 1, 0.0);
  for (std::int64_t j = kept - 1; j >= 0; --j) {
    const double p = probabilities[static_cast<std::size_t>(start + j)];
    const double loss = interval * static_cast<double>(first_positive_ + j);
    tail_[static_cast<std::size_t>(j)] = tail_[static_cast<std::size_t>(j) + 1] + p;
    tail_weighted_[static_cast<std::size_t>(j)] = tail_weighted_[static_cast<std::size_t>(j) + 1] + p * std::exp(-loss);
  }
  upper_extra_ = infinity_mass + truncated_mass;
  lower_extra_ = dropped_mass + 2.0 * truncated_mass;
}

double ComposedPrivacyLoss::delta_grid(double epsilon) const {
  // δ(ε) = Σ_{L_j > ε} P_j (1 − e^{ε − L_j}) over grid losses L_j = j·h.
  const double position = epsilon / interval_;
  std::int64_t j = static_cast<std::int64_t>(std::floor(position)) + 1 - first_positive_;
  j = std::clamp<std::int64_t>(j, 0, static_cast<std::int64_t>(tail_.size()) - 1);
  const auto i = static_cast<std::size_t>(j);
  return std::max(0.0, tail_[i] - std::exp(epsilon) * tail_weighted_[i]);
}

double ComposedPrivacyLoss::delta_upper(double epsilon) const {
  return std::min(1.0, delta_grid(epsilon) + upper_extra_);
}

double ComposedPrivacyLoss::delta_lower(double epsilon) const {
  return std::max(0.0, delta_grid(epsilon + shift_) - lower_extra_);
}

SubsampledGaussianPld::SubsampledGaussianPld(double q, double sigma, std::int64_t steps, const PldOptions& options,
                                             PldRelation relation)
    : steps_(steps) {
  UFM_CHECK(q > 0.0 && q <= 1.0, RuntimeError, "PLD accountant: sampling rate must be in (0, 1], got ", q);
  UFM_CHECK(sigma > 0.0, RuntimeError, "PLD accountant: noise multiplier must be > 0, got ", sigma);
  UFM_CHECK(steps >= 1, RuntimeError, "PLD accountant: steps must be >= 1, got ", steps);
  const double t = static_cast<double>(steps);
  // The window from a coarse grid (h₀): the fine sum S lies within [S₀ − T·h₀, S₀ + T·h] of the
  // coarse sum S₀ (both round the same losses up), so widening the coarse window by those
  // amounts keeps the Chernoff bound's tail mass; it also fixes h: the bracket T·h aimed at,
  // unless the window would need more than max_points points.
  const double coarse = 1e-4;
  std::vector<StepLoss> pairs;
  std::vector<std::pair<double, double>> windows;
  if (relation == PldRelation::kAddRemove) {
    pairs = {step_loss(q, sigma, true), step_loss(q, sigma, false)};
  } else {
    pairs = {substitution_step_loss(q, sigma)};
  }
  for (const StepLoss& pair : pairs) {
    windows.push_back(composed_window(discretise(pair, coarse), coarse, steps, options.tail_mass));
    const double width = windows.back().second - windows.back().first + 2.0 * coarse * t;
    interval_ = std::max({interval_, options.epsilon_resolution / t, width / static_cast<double>(options.max_points)});
  }
  for (std::size_t d = 0; d < pairs.size(); ++d) {
    const StepGrid grid = discretise(pairs[d], interval_);
    const double lo = windows[d].first - coarse * t, hi = windows[d].second + interval_ * t;
    const std::int64_t first = static_cast<std::int64_t>(std::floor(lo / interval_));
    const std::int64_t last = static_cast<std::int64_t>(std::ceil(hi / interval_));
    std::vector<double> composed = compose(grid, steps, first, last - first + 1);
    const double infinity = -std::expm1(t * std::log1p(-grid.infinity_mass));  // 1 − (1 − p∞)^T
    const double dropped = t * grid.low_tail;  // P(some step's loss came from the low-end tail)
    truncated_mass_ = std::max(truncated_mass_, infinity + options.tail_mass);
    directions_.emplace_back(std::move(composed), first, interval_, steps, infinity, options.tail_mass, dropped);
  }
}

double SubsampledGaussianPld::delta_upper(double epsilon) const {
  double delta = 0.0;
  for (const auto& d : directions_) delta = std::max(delta, d.delta_upper(epsilon));
  return delta;
}

double SubsampledGaussianPld::delta_lower(double epsilon) const {
  double delta = 0.0;
  for (const auto& d : directions_) delta = std::max(delta, d.delta_lower(epsilon));
  return delta;
}

double SubsampledGaussianPld::epsilon(double delta) const {
  return smallest_epsilon([this](double e) { return delta_upper(e); }, delta);
}

double SubsampledGaussianPld::epsilon_lower(double delta) const {
  return smallest_epsilon([this](double e) { return delta_lower(e); }, delta);
}

}  // namespace ufm
