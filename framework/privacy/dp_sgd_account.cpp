#include "privacy/dp_sgd_account.h"

#include "privacy/rdp_accountant.h"

namespace ufm {

DpSgdAccount account_dp_sgd(const DpSgdSchedule& s) {
  auto epsilon = [&](std::int64_t steps, bool replace) {
    return replace ? dp_sgd_epsilon_replace(s.sampling_rate, s.noise_multiplier, steps, s.delta)
                   : dp_sgd_epsilon_add_remove(s.sampling_rate, s.noise_multiplier, steps, s.delta);
  };
  DpSgdAccount account;
  const RdpEpsilon planned = epsilon(s.steps_planned, s.replace);
  account.epsilon = planned.epsilon;
  account.order = planned.order;
  account.epsilon_add_remove = epsilon(s.steps_planned, false).epsilon;
  account.epsilon_ex_post = epsilon(s.steps_taken, s.replace).epsilon;
  account.validity = s.poisson ? "guarantee" : kShuffledNotAGuarantee;
  return account;
}

}  // namespace ufm
