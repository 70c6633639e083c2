#pragma once
/// What a DP-SGD schedule costs: the accountant's ε at δ for the planned schedule (the
/// guarantee) and for the steps actually taken (ex post), for the stated neighbouring
/// relation, with whether the figure is a guarantee at all.
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

struct DpSgdAccount {
  double epsilon = 0.0;             ///< planned schedule, the stated relation (RDP)
  double order = 0.0;               ///< the RDP order that gave it
  double epsilon_add_remove = 0.0;  ///< planned schedule, add/remove neighbours
  double epsilon_ex_post = 0.0;     ///< steps taken (early stopping): not a guarantee
  /// The planned schedule's privacy profile δ(ε) for the stated relation (the RDP bound;
  /// replace-one from add/remove by group privacy, δ_r(ε) = (1 + e^{ε/2}) δ(ε/2)), on the grid
  /// profile_epsilons (0, 0.05, …, 30).
  std::vector<double> profile_epsilons, profile_deltas;
  /// The smallest μ whose GDP profile dominates that profile on the grid: the schedule is
  /// μ-GDP (privacy/gdp.h). For replace-one the smaller of that and twice the add/remove μ
  /// (GDP group privacy, Dong, Roth, Su 2022, Thm. 2.14).
  double mu = 0.0;
  /// The central-limit approximation (Bu et al. 2020), twice it for replace-one: an
  /// approximation, not a guarantee.
  double mu_clt = 0.0;
  /// How well GDP fits: ε at δ read off the μ-GDP profile, beside `epsilon` (equal when the
  /// profile is Gaussian; larger when μ-GDP is loose for this schedule).
  double epsilon_of_mu = 0.0;
  /// "guarantee" under Poisson sampling; otherwise why the figure is none.
  std::string validity;
};

/// ε by the RDP accountant (privacy/rdp_accountant.h).
DpSgdAccount account_dp_sgd(const DpSgdSchedule& schedule);

/// The validity text of fixed-size shuffled batches.
inline constexpr const char* kShuffledNotAGuarantee = "Poisson accounting, not valid for shuffled batches";

}  // namespace ufm
