#pragma once
/// The noise multiplier that meets a privacy target (Kulynych, Gomez, Kaissis et al. 2024,
/// "Attack-aware noise calibration for differential privacy", NeurIPS): the smallest σ whose
/// accounted guarantee for the schedule (privacy/dp_sgd_account.h) meets ε at δ or μ-GDP;
/// an attack target (TPR at FPR) or an advantage target is first turned into the μ it
/// allows (privacy/gdp.h). Never from the CLT approximation.
#include <string>
#include <vector>

#include "core/option_table.h"
#include "privacy/dp_sgd_account.h"

namespace ufm {

struct PrivacyTarget {
  enum class Kind { kEpsilon, kMu, kAttack, kAdvantage };
  Kind kind = Kind::kEpsilon;
  double epsilon = 0.0, mu = 0.0, attack_tpr = 0.0, attack_fpr = 0.0, advantage = 0.0;
  /// The μ an attack or advantage target allows; `mu` for a μ target.
  double allowed_mu() const;
};

/// "epsilon", "mu", "attack", "advantage" (privacy.target's names), in Kind's order: the
/// option tables' enumeration names (core/option_table.h), so option_name() and << print them.
const std::vector<std::string>& option_names(PrivacyTarget::Kind);

struct Calibration {
  double noise_multiplier = 0.0;
  DpSgdAccount achieved;  ///< the account at that σ
};

/// Bisection on σ in [0.2, 200] (ε and μ fall as σ grows), keeping the σ that meets the
/// target: on the RDP guarantee to 1e-4 relative, then on the reported one (min of PLD and
/// RDP, privacy/dp_sgd_account.h) to 1e-3 between half that σ (halved again while it still
/// meets the target) and it. `schedule.noise_multiplier` is ignored. ConfigError naming
/// privacy.target when even σ = 200 does not meet it.
Calibration calibrate_noise_multiplier(DpSgdSchedule schedule, const PrivacyTarget& target);

}  // namespace ufm
