#include "runs/privacy_record.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "core/error.h"
#include "core/logging.h"
#include "core/text.h"
#include "privacy/dp_sgd_account.h"
#include "privacy/noise_calibration.h"
#include "storage/schema.h"

namespace ufm {
namespace {

// The planned schedule of a private run over n training examples (noise as configured).
// The guarantee covers every step the run may take: early stopping chooses among the
// released iterates, so only the full schedule is a guarantee (the realised stop is ex post).
DpSgdSchedule planned_schedule(const ExperimentConfig& config, std::int64_t n) {
  const PrivacyOptions& privacy = config.privacy;
  const std::int64_t batch = config.train.batch_size;
  DpSgdSchedule schedule;
  schedule.sampling_rate = std::min(1.0, static_cast<double>(batch) / static_cast<double>(n));
  schedule.noise_multiplier = privacy.noise_multiplier;
  schedule.steps_planned = config.train.max_epochs * ((n + batch - 1) / batch);
  schedule.steps_taken = schedule.steps_planned;
  schedule.delta = privacy.delta;
  schedule.replace = privacy.neighbouring == Neighbouring::kReplace;
  schedule.poisson = privacy.poisson();
  return schedule;
}

// privacy.target as the calibration's kind (never none: no calibration then).
PrivacyTarget::Kind kind_of(NoiseTarget target) {
  switch (target) {
    case NoiseTarget::kMu: return PrivacyTarget::Kind::kMu;
    case NoiseTarget::kAttack: return PrivacyTarget::Kind::kAttack;
    case NoiseTarget::kAdvantage: return PrivacyTarget::Kind::kAdvantage;
    case NoiseTarget::kEpsilon: break;
    case NoiseTarget::kNone:
      throw RuntimeError("privacy.target: none has no noise calibration");
  }
  return PrivacyTarget::Kind::kEpsilon;
}

PrivacyTarget target_of(const PrivacyOptions& privacy) {
  PrivacyTarget target;
  target.kind = kind_of(privacy.target);
  target.epsilon = privacy.target_epsilon;
  target.mu = privacy.target_mu;
  target.attack_tpr = privacy.attack_tpr;
  target.attack_fpr = privacy.attack_fpr;
  target.advantage = privacy.target_advantage;
  return target;
}

// A value computed once per key for the whole process (thread-safe; computed outside the lock).
template <class Key, class Value, class Compute>
Value computed_once(std::map<Key, Value>& values, std::mutex& mutex, const Key& key, Compute compute) {
  {
    std::lock_guard<std::mutex> lock(mutex);
    const auto found = values.find(key);
    if (found != values.end()) return found->second;
  }
  Value value = compute();
  std::lock_guard<std::mutex> lock(mutex);
  values.emplace(key, value);
  return value;
}

// The tight account takes seconds; every model of a study shares its schedule, so keep it.
DpSgdAccount account_of(const DpSgdSchedule& s) {
  using Key = std::tuple<double, double, std::int64_t, std::int64_t, double, bool, bool>;
  static std::mutex mutex;
  static std::map<Key, DpSgdAccount> accounts;
  const Key key{s.sampling_rate, s.noise_multiplier, s.steps_planned, s.steps_taken, s.delta, s.replace, s.poisson};
  return computed_once(accounts, mutex, key, [&] { return account_dp_sgd(s); });
}

}  // namespace

PrivacyOptions resolved_privacy(const ExperimentConfig& config, std::int64_t training_size) {
  PrivacyOptions privacy = config.privacy;
  if (!privacy.enabled || privacy.target == NoiseTarget::kNone) return privacy;
  static std::mutex mutex;
  static std::map<std::string, double> solved;
  const DpSgdSchedule schedule = planned_schedule(config, training_size);
  const std::string key = detail::concat(schedule.sampling_rate, "/", schedule.steps_planned, "/", schedule.delta, "/",
                                         schedule.replace, "/", privacy.target, "/", privacy.target_epsilon, "/",
                                         privacy.target_mu, "/", privacy.attack_tpr, "/", privacy.attack_fpr, "/",
                                         privacy.target_advantage);
  privacy.noise_multiplier = computed_once(solved, mutex, key, [&] {
    return calibrate_noise_multiplier(schedule, target_of(privacy)).noise_multiplier;
  });
  return privacy;
}

void record_privacy(RunState& state) {
  const ExperimentConfig& config = state.run->config;
  if (!config.privacy.enabled) return;
  const std::int64_t n = state.training->size();
  const PrivacyOptions privacy = resolved_privacy(config, n);
  const std::int64_t steps_per_epoch = (n + config.train.batch_size - 1) / config.train.batch_size;
  DpSgdSchedule schedule = planned_schedule(config, n);
  schedule.noise_multiplier = privacy.noise_multiplier;
  schedule.steps_taken = state.history.epochs_run() * steps_per_epoch;
  if (privacy.delta >= 1.0 / static_cast<double>(n)) {
    log_info(detail::concat("warning: privacy.delta = ", privacy.delta, " is not below 1/N = ", 1.0 / n,
                            ": a mechanism that publishes one random example meets such a delta"));
  }
  const DpSgdAccount account = account_of(schedule);
  auto& a = state.record.attributes;
  a[schema::kPrivacySamplingRate] = schedule.sampling_rate;
  a[schema::kPrivacyNoiseMultiplier] = privacy.noise_multiplier;
  a[schema::kPrivacyClipNorm] = privacy.clip_norm;
  a[schema::kPrivacySampling] = option_name(privacy.sampling);
  a[schema::kPrivacyNeighbouring] = option_name(privacy.neighbouring);
  a[schema::kPrivacyDelta] = privacy.delta;
  a[schema::kPrivacyStepsPlanned] = schedule.steps_planned;
  a[schema::kPrivacyStepsTaken] = schedule.steps_taken;
  a[schema::kPrivacyAccountant] = std::string("pld+rdp");
  a[schema::kPrivacyEpsilon] = account.epsilon;
  a[schema::kPrivacyEpsilonRdp] = account.epsilon_rdp;
  a[schema::kPrivacyEpsilonPld] = account.epsilon_pld;
  a[schema::kPrivacyEpsilonAddRemovePld] = account.epsilon_add_remove_pld;
  a[schema::kPrivacyEpsilonAddRemovePldLower] = account.epsilon_add_remove_pld_lower;
  if (schedule.replace && account.pld_interval > 0.0) {  // the substitution PLD ran
    a[schema::kPrivacyEpsilonReplacePld] = account.epsilon_replace_pld;
    a[schema::kPrivacyEpsilonReplacePldLower] = account.epsilon_replace_pld_lower;
  }
  a[schema::kPrivacyPldInterval] = account.pld_interval;
  a[schema::kPrivacyPldEpsilonError] = account.pld_epsilon_error;
  a[schema::kPrivacyPldTruncatedMass] = account.pld_truncated_mass;
  a[schema::kPrivacyEpsilonOrder] = account.order;
  a[schema::kPrivacyEpsilonAddRemove] = account.epsilon_add_remove;
  a[schema::kPrivacyEpsilonExPost] = account.epsilon_ex_post;
  a[schema::kPrivacyValidity] = account.validity;
  a[schema::kPrivacyTarget] = option_name(privacy.target);
  if (privacy.target != NoiseTarget::kNone) {
    const PrivacyTarget target = target_of(privacy);
    a[schema::kPrivacyTargetValue] =
        privacy.target == NoiseTarget::kEpsilon ? privacy.target_epsilon : target.allowed_mu();
  }
  a[schema::kPrivacyMu] = account.mu;
  a[schema::kPrivacyMuClt] = account.mu_clt;
  a[schema::kPrivacyEpsilonOfMu] = account.epsilon_of_mu;
  ArrayData profile = ArrayData::vector(account.profile_deltas, "epsilon");
  state.record.arrays[schema::kPrivacyProfileDelta] = std::move(profile);
  state.record.arrays[schema::kPrivacyProfileEpsilon] = ArrayData::vector(account.profile_epsilons, "epsilon");
  state.record.arrays[schema::kPrivacyProfileGdpDelta] = ArrayData::vector(account.profile_gdp_deltas, "epsilon");
}

}  // namespace ufm
