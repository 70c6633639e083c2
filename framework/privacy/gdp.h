#pragma once
/// Gaussian differential privacy (Dong, Roth, Su 2022, "Gaussian differential privacy",
/// JRSS-B): a mechanism is μ-GDP when telling D from D' is at least as hard as telling
/// N(0, 1) from N(μ, 1). ../shared/privacy.md, "Accounting" and "Attack risk".
#include <vector>

#include "core/normal_distribution.h"

namespace ufm {

/// δ(ε) of μ-GDP, its privacy profile (Dong et al. 2022, Cor. 2.13):
/// δ_μ(ε) = Φ(−ε/μ + μ/2) − e^ε Φ(−ε/μ − μ/2).
double gdp_delta(double mu, double epsilon);

/// The largest true-positive rate of any membership test at false-positive rate `fpr`
/// against a μ-GDP mechanism: 1 − f_μ(fpr) = 1 − Φ(Φ⁻¹(1 − fpr) − μ) (Dong et al. 2022,
/// Def. 2.7; Kulynych et al. 2024, "Attack-aware noise calibration for differential
/// privacy", NeurIPS).
double gdp_max_tpr(double mu, double fpr);

/// The largest advantage TPR − FPR of any test: 2Φ(μ/2) − 1 (Kulynych et al. 2024).
double gdp_max_advantage(double mu);

/// The μ at which gdp_max_tpr(μ, fpr) = tpr (tpr > fpr), and gdp_max_advantage(μ) = advantage
/// (advantage in (0, 1)).
double gdp_mu_for_tpr(double tpr, double fpr);
double gdp_mu_for_advantage(double advantage);

/// The central-limit approximation of DP-SGD's μ, q·√(T(e^{1/σ²} − 1)) (Bu, Dong, Long, Su
/// 2020, "Deep learning with Gaussian differential privacy", Harvard Data Science Review,
/// Thm. 5): an approximation, not a bound; it understates the loss at small T or large q.
double dp_sgd_mu_clt(double q, double sigma, long long steps);

/// The same approximation for replace-one neighbours: q·√(2T(e^{1/σ²} − e^{−1/σ²})). The CLT's
/// μ² is T times the χ²-divergence of one step's pair to first order in q (Bu et al.'s formula
/// is T·q²(e^{1/σ²} − 1) for add/remove); for the substitution pair (privacy/pld_accountant.h)
/// χ² ≈ q²·∫(φ₁ − φ₋₁)²/φ₀ = q²(2e^{1/σ²} − 2e^{−1/σ²}), using ∫φ_aφ_b/φ₀ = e^{ab/σ²}. Not a bound.
double dp_sgd_mu_clt_substitution(double q, double sigma, long long steps);

/// The smallest μ whose profile lies on or above deltas[i] (an upper bound on the
/// mechanism's privacy profile at epsilons[i]) at every grid point: then the mechanism is μ-GDP
/// (Dong et al. 2022, Prop. 2.12: μ-GDP ⇔ (ε, δ_μ(ε))-DP for every ε ≥ 0), up to the grid
/// and for every δ ≥ kGdpDeltaFloor: grid points where the profile is below it are not
/// compared (there both profiles are differences of numbers double precision cannot tell
/// apart). Bisection on μ in [1e-6, 1e3] to 1e-9 relative; +∞ when even 1e3 does not dominate.
inline constexpr double kGdpDeltaFloor = 1e-12;
double dominating_mu(const std::vector<double>& epsilons, const std::vector<double>& deltas);

}  // namespace ufm
