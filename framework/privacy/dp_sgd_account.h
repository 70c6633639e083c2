#pragma once
/// What a DP-SGD schedule costs: the accountant's ε at δ for the planned schedule (the
/// guarantee) and for the steps actually taken (ex post), for the stated neighbouring
/// relation, with whether the figure is a guarantee at all.
#include <cstdint>
#include <string>

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
  /// "guarantee" under Poisson sampling; otherwise why the figure is none.
  std::string validity;
};

/// ε by the RDP accountant (privacy/rdp_accountant.h).
DpSgdAccount account_dp_sgd(const DpSgdSchedule& schedule);

/// The validity text of fixed-size shuffled batches.
inline constexpr const char* kShuffledNotAGuarantee = "Poisson accounting, not valid for shuffled batches";

}  // namespace ufm
