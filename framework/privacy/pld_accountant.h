#pragma once
/// A tight numerical accountant of DP-SGD on the privacy loss distribution (PLD): the
/// privacy loss of one Poisson-subsampled Gaussian step is discretised on a grid of width h,
/// composed over T steps by FFT, and read off as the privacy profile δ(ε)
/// (Koskela, Jälkö, Honkela 2020, "Computing tight differential privacy guarantees using
/// FFT", AISTATS; Meiser & Mohammadi 2018, "Tight on budget?", CCS, for the rounding).
/// ../shared/privacy.md, "Accounting".
///
/// What is exact and what is not, stated:
/// - Discretisation. Each step's loss is rounded *up* to the grid (pessimistic); rounded
///   *down*, the same masses give an optimistic distribution, which is the pessimistic one
///   shifted by one grid step, so the composed optimistic profile is the pessimistic one read
///   T·h further right. The true profile lies between the two: δ_lower(ε) ≤ δ(ε) ≤ δ_upper(ε),
///   and the true ε at δ lies within T·h below the reported one (`epsilon_error()`).
/// - Truncation. Per step, the loss outside ±z standard deviations (P-mass below 1e-16 per
///   side) is moved to the grid's lowest point or to +∞ (counted in δ at every ε); the
///   composed distribution is kept on a window whose outside mass is below `tail_mass` on
///   each side (Chernoff bounds on the composed loss), and that mass is added to δ_upper and
///   subtracted from δ_lower (`truncated_mass()`).
/// - Round-off. FFT composition leaves errors near 1e-13 of the largest probability, so
///   profile values below about 1e-10 are not resolved.
#include <cstdint>
#include <vector>

namespace ufm {

struct PldOptions {
  /// The bracket T·h aimed at: h = epsilon_resolution / T unless the window needs more than
  /// max_points grid points, then h = window / max_points.
  double epsilon_resolution = 0.01;
  std::int64_t max_points = std::int64_t{1} << 22;
  double tail_mass = 1e-15;  ///< composed mass allowed outside the window, per side
};

/// One direction of a neighbouring pair (P, Q), T-fold composed: the privacy loss
/// L = log(p/q) under P, whose profile is δ(ε) = E_P[(1 − e^{ε − L})₊] (+ the mass at +∞).
class ComposedPrivacyLoss {
 public:
  /// Grid probabilities `probabilities[j]` at losses (first_index + j)·interval.
  ComposedPrivacyLoss(std::vector<double> probabilities, std::int64_t first_index, double interval,
                      std::int64_t steps, double infinity_mass, double truncated_mass, double dropped_mass);
  double delta_upper(double epsilon) const;  ///< ε ≥ 0
  double delta_lower(double epsilon) const;
 private:
  double delta_grid(double epsilon) const;  // the composed grid distribution's own profile
  std::vector<double> tail_, tail_weighted_;  // Σ_{i≥j} P_i, Σ_{i≥j} P_i e^{−L_i}, for L_j ≥ 0
  std::int64_t first_positive_ = 0;           // grid index of tail_[0]
  double interval_ = 0.0;
  double shift_ = 0.0;        // T·h
  double upper_extra_ = 0.0;  // composed +∞ mass and the window's upper truncation
  double lower_extra_ = 0.0;  // what the optimistic profile must give up (dropped tails, aliasing)
};

/// Which neighbouring datasets the profile is for.
enum class PldRelation {
  /// Add or remove one example: the larger profile of the remove pair
  /// P = (1 − q)N(0, σ²) + qN(1, σ²), Q = N(0, σ²) and the add pair (P and Q swapped), each
  /// a dominating pair of its direction (Zhu, Dong, Wang 2022, "Optimal accounting of
  /// differential privacy via characteristic function", AISTATS, §5; Koskela et al. 2020, §6).
  kAddRemove,
  /// Replace one example (substitution): P = (1 − q)N(0, σ²) + qN(1, σ²) against
  /// Q = (1 − q)N(0, σ²) + qN(−1, σ²). Under Poisson sampling the replaced example and its
  /// replacement each join a step with probability q, and the worst case puts their clipped
  /// gradients at full norm in opposite directions (Schuchardt, Stoian, Wollschläger,
  /// Günnemann 2024, "Unified mechanism-specific amplification by subsampling and group
  /// privacy amplification", NeurIPS; the scipy reference checks on a grid of mean pairs in
  /// the unit disc that no other pair has a larger one-step profile). Tighter than group
  /// privacy on add/remove, which doubles ε and more than doubles δ.
  kSubstitution,
};

/// The PLD of `steps` steps of the Poisson-subsampled Gaussian mechanism (rate q, noise
/// multiplier σ, sensitivity 1) for the given relation; dominating pairs compose (Zhu et
/// al. 2022), so the T-fold composition of the pair's loss bounds the schedule.
class SubsampledGaussianPld {
 public:
  SubsampledGaussianPld(double q, double sigma, std::int64_t steps, const PldOptions& options = {},
                        PldRelation relation = PldRelation::kAddRemove);
  double delta_upper(double epsilon) const;
  double delta_lower(double epsilon) const;
  /// The smallest ε ≥ 0 with δ_upper(ε) ≤ δ (+∞ when none): the reported guarantee.
  double epsilon(double delta) const;
  /// The same read off δ_lower: the true ε at δ is not below it.
  double epsilon_lower(double delta) const;
  double interval() const { return interval_; }
  /// T·h: how far the reported ε may lie above the true one (discretisation).
  double epsilon_error() const { return interval_ * static_cast<double>(steps_); }
  /// The probability mass counted into δ_upper for truncation (per step and composed).
  double truncated_mass() const { return truncated_mass_; }
 private:
  std::vector<ComposedPrivacyLoss> directions_;
  double interval_ = 0.0;
  double truncated_mass_ = 0.0;
  std::int64_t steps_ = 0;
};

}  // namespace ufm
