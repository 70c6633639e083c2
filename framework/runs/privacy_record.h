#pragma once
/// The "privacy" stage of a run: under private training, the schedule (q, σ, clip norm,
/// sampling, neighbouring relation, δ, steps planned and taken) and its ε by the RDP
/// accountant, stored as attributes of the run (storage/schema.h, kPrivacy*).
#include "runs/run_stages.h"

namespace ufm {

void record_privacy(RunState& state);

}  // namespace ufm
