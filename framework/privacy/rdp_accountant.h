#pragma once
/// Rényi-DP accounting of DP-SGD (Mironov 2017, "Rényi differential privacy", CSF): the
/// Poisson-subsampled Gaussian mechanism's RDP per step, composed additively over steps,
/// converted to (ε, δ). ../shared/privacy.md, "Accounting". Golden values come from an
/// independent Python reference (tests/golden/make_accountant_golden.py, scipy).
#include <cstdint>
#include <string>
#include <vector>

namespace ufm {

/// The orders α the accountant minimises over: 1.1 … 10.9 in steps of 0.1, 11 … 63, and
/// 64, 80, 96, 128, 160, 192, 256, 384, 512, 1024.
const std::vector<double>& default_rdp_orders();

/// RDP at order α > 1 of one step of the Poisson-subsampled Gaussian mechanism with
/// sampling rate q ∈ [0, 1] and noise multiplier σ > 0, for add/remove neighbours:
/// D_α = log(A_α)/(α − 1) with A_α = E_{z∼N(0,σ²)}[((1 − q) + q·exp((2z − 1)/(2σ²)))^α]
/// (Mironov, Talwar, Zhang 2019, "Rényi differential privacy of the sampled Gaussian
/// mechanism", §3). Integer α: their closed form (§3.2)
/// A_α = Σ_{k=0}^{α} C(α,k) (1 − q)^{α−k} q^k exp((k² − k)/(2σ²)); otherwise the
/// expectation by the trapezoidal rule in log space, exact to far below 1e-9 relative.
/// q = 0 gives 0; σ = 0 with q > 0 gives +∞.
double subsampled_gaussian_rdp(double q, double sigma, double alpha);

/// ε of total RDP `rdp[i]` at orders[i] for the given δ, by the improved conversion
/// (Canonne, Kamath, Steinke 2020, "The discrete Gaussian for differential privacy",
/// Prop. 12; Balle et al. 2020, Thm. 21):
/// ε = min_α  rdp(α) + log((α − 1)/α) − (log δ + log α)/(α − 1), never below 0.
struct RdpEpsilon {
  double epsilon = 0.0;
  double order = 0.0;  ///< the minimising α
};
RdpEpsilon epsilon_from_rdp(const std::vector<double>& orders, const std::vector<double>& rdp, double delta);

/// The same conversion solved for δ: the RDP bound on the privacy profile,
/// δ(ε) = min_α exp((α − 1)(rdp(α) − ε) + (α − 1) log(1 − 1/α) − log α), at most 1.
double delta_from_rdp(const std::vector<double>& orders, const std::vector<double>& rdp, double epsilon);

/// Total RDP of `steps` DP-SGD steps at each of default_rdp_orders(), add/remove neighbours.
std::vector<double> dp_sgd_rdp(double q, double sigma, std::int64_t steps);

/// ε at δ of `steps` steps of DP-SGD with Poisson rate q and noise multiplier σ, add/remove
/// neighbours, over default_rdp_orders().
RdpEpsilon dp_sgd_epsilon_add_remove(double q, double sigma, std::int64_t steps, double delta);

/// The same for replace-one neighbours, from add/remove by group privacy: replacing an
/// example is removing it and adding another, so an (ε₁, δ₁) add/remove guarantee gives
/// (2ε₁, (1 + e^{ε₁})δ₁) (Dwork & Roth 2014, "The algorithmic foundations of differential
/// privacy", Thm. 2.2 for groups, with δ); δ₁ is the largest with (1 + e^{ε₁(δ₁)})δ₁ ≤ δ.
/// A valid upper bound, looser than an accountant of the substitution relation itself.
RdpEpsilon dp_sgd_epsilon_replace(double q, double sigma, std::int64_t steps, double delta);

}  // namespace ufm
