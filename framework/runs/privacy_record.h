#pragma once
/// The "privacy" stage of a run: under private training, the schedule (q, σ, clip norm,
/// sampling, neighbouring relation, δ, steps planned and taken) and its ε by the RDP
/// accountant, stored as attributes of the run (storage/schema.h, kPrivacy*).
#include "runs/run_stages.h"

namespace ufm {

void record_privacy(RunState& state);

/// The run's privacy options, its noise multiplier solved from privacy.target when one is
/// set (privacy/noise_calibration.h; solved once per schedule and remembered).
/// ConfigError when the target cannot be met.
PrivacyOptions resolved_privacy(const ExperimentConfig& config, std::int64_t training_size);

}  // namespace ufm
