#pragma once
/// What a DP-SGD schedule costs: ε at δ for the planned schedule (the guarantee) and for the
/// steps actually taken (ex post), for the stated neighbouring relation, with whether the
/// figure is a guarantee at all. Two accountants: RDP (privacy/rdp_accountant.h) and the
/// tight PLD accountant (privacy/pld_accountant.h); the reported guarantee is the smaller.
#include <cstdint>
#include <string>
#include <vector>

namespace ufm {

struct DpSgdSchedule {
  double sampling_rate = 0.0;   ///< q
  double noise_multiplier = 0.0;  ///< σ
  std::int64_t steps_planned = 0;  ///< train.max_epochs epochs of ceil(N / batch) steps
  std::int64_t steps_taken = 0;
  double delta = 1e-5;
  bool replace = true;   ///< replace-one neighbours (else add/remove)
  bool poisson = true;   ///< Poisson sampling (else fixed-size shuffled batches)
};

/// Which accountants to run: RDP alone is cheap (milliseconds) and is what noise calibration
/// brackets with; kTight adds the PLD accountant (seconds at T ≈ 3,500).
enum class Accountant { kRdp, kTight };

struct DpSgdAccount {
  double epsilon = 0.0;             ///< planned schedule, the stated relation: min(PLD, RDP)
  double epsilon_rdp = 0.0;         ///< the RDP accountant's alone
  double order = 0.0;               ///< the RDP order that gave it
  /// The PLD accountant's upper bound and the grid's stated errors (privacy/pld_accountant.h);
  /// 0 with Accountant::kRdp. For replace-one `epsilon_pld` is read off the replace-one
  /// profile (see `profile_deltas`): the substitution PLD where group privacy is not tighter.
  double epsilon_pld = 0.0;
  /// The add/remove PLD bracket: the true add/remove ε at δ lies in [lower, upper].
  double epsilon_add_remove_pld = 0.0, epsilon_add_remove_pld_lower = 0.0;
  /// Replace-one only: the substitution PLD bracket (PldRelation::kSubstitution), the true
  /// replace-one ε at δ lies in [lower, upper]; 0 for add/remove or Accountant::kRdp.
  double epsilon_replace_pld = 0.0, epsilon_replace_pld_lower = 0.0;
  double pld_interval = 0.0, pld_epsilon_error = 0.0, pld_truncated_mass = 0.0;
  double epsilon_add_remove = 0.0;  ///< planned schedule, add/remove neighbours
  double epsilon_ex_post = 0.0;     ///< steps taken (early stopping): not a guarantee
  /// The planned schedule's privacy profile δ(ε) for the stated relation on the grid
  /// profile_epsilons (0, 0.05, …, 30). Add/remove: the smaller of the PLD upper bound and
  /// RDP's at each ε. Replace-one: the smallest of the substitution PLD's upper bound, the
  /// add/remove profile's group-privacy profile (1 + e^{ε/2})·δ(ε/2) (never above RDP's own)
  /// and the profile of 2μ-GDP for the add/remove μ (GDP group privacy, Dong, Roth, Su 2022,
  /// Thm. 2.14). With Accountant::kRdp only the group-privacy terms.
  std::vector<double> profile_epsilons, profile_deltas;
  /// δ_μ(ε) of the μ below, on the same grid: the GDP curve beside the profile.
  std::vector<double> profile_gdp_deltas;
  /// The smallest μ whose GDP profile dominates that profile on the grid: the schedule is
  /// μ-GDP (privacy/gdp.h). For replace-one the smaller of that and twice the add/remove μ.
  double mu = 0.0;
  /// The central-limit approximation (Bu et al. 2020; for replace-one the substitution pair's,
  /// privacy/gdp.h): an approximation, not a guarantee.
  double mu_clt = 0.0;
  /// How well GDP fits: ε at δ read off the μ-GDP profile, beside `epsilon` (equal when the
  /// profile is Gaussian; larger when μ-GDP is loose for this schedule).
  double epsilon_of_mu = 0.0;
  /// "guarantee" under Poisson sampling; otherwise why the figure is none.
  std::string validity;
};

/// The account of the schedule by the chosen accountants.
DpSgdAccount account_dp_sgd(const DpSgdSchedule& schedule, Accountant accountant = Accountant::kTight);

/// The validity text of fixed-size shuffled batches.
inline constexpr const char* kShuffledNotAGuarantee = "Poisson accounting, not valid for shuffled batches";

}  // namespace ufm
