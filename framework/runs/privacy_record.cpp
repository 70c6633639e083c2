#include "runs/privacy_record.h"

#include <algorithm>

#include "core/error.h"
#include "core/logging.h"
#include "core/text.h"
#include "privacy/dp_sgd_account.h"
#include "storage/schema.h"

namespace ufm {

void record_privacy(RunState& state) {
  const ExperimentConfig& config = state.run->config;
  const PrivacyOptions& privacy = config.privacy;
  if (!privacy.enabled) return;
  const std::int64_t n = state.training->size();
  const std::int64_t batch = config.train.batch_size;
  const std::int64_t steps_per_epoch = (n + batch - 1) / batch;
  DpSgdSchedule schedule;
  schedule.sampling_rate = std::min(1.0, static_cast<double>(batch) / static_cast<double>(n));
  schedule.noise_multiplier = privacy.noise_multiplier;
  // The guarantee covers every step the run may take: early stopping chooses among the
  // released iterates, so only the full schedule is a guarantee (the realised stop is ex post).
  schedule.steps_planned = config.train.max_epochs * steps_per_epoch;
  schedule.steps_taken = state.history.epochs_run() * steps_per_epoch;
  schedule.delta = privacy.delta;
  schedule.replace = privacy.neighbouring == kNeighbouringReplace;
  schedule.poisson = privacy.poisson();
  if (privacy.delta >= 1.0 / static_cast<double>(n)) {
    log_info(detail::concat("warning: privacy.delta = ", privacy.delta, " is not below 1/N = ", 1.0 / n,
                            ": a mechanism that publishes one random example meets such a delta"));
  }
  const DpSgdAccount account = account_dp_sgd(schedule);
  auto& a = state.record.attributes;
  a[schema::kPrivacySamplingRate] = schedule.sampling_rate;
  a[schema::kPrivacyNoiseMultiplier] = privacy.noise_multiplier;
  a[schema::kPrivacyClipNorm] = privacy.clip_norm;
  a[schema::kPrivacySampling] = privacy.sampling;
  a[schema::kPrivacyNeighbouring] = privacy.neighbouring;
  a[schema::kPrivacyDelta] = privacy.delta;
  a[schema::kPrivacyStepsPlanned] = schedule.steps_planned;
  a[schema::kPrivacyStepsTaken] = schedule.steps_taken;
  a[schema::kPrivacyAccountant] = std::string("rdp");
  a[schema::kPrivacyEpsilon] = account.epsilon;
  a[schema::kPrivacyEpsilonOrder] = account.order;
  a[schema::kPrivacyEpsilonAddRemove] = account.epsilon_add_remove;
  a[schema::kPrivacyEpsilonExPost] = account.epsilon_ex_post;
  a[schema::kPrivacyValidity] = account.validity;
  a[schema::kPrivacyMu] = account.mu;
  a[schema::kPrivacyMuClt] = account.mu_clt;
  a[schema::kPrivacyEpsilonOfMu] = account.epsilon_of_mu;
  ArrayData profile = ArrayData::vector(account.profile_deltas, "epsilon");
  state.record.arrays[schema::kPrivacyProfileDelta] = std::move(profile);
  state.record.arrays[schema::kPrivacyProfileEpsilon] = ArrayData::vector(account.profile_epsilons, "epsilon");
}

}  // namespace ufm
