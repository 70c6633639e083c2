#pragma once
/// What one run is probed with: its tested feature and patch draws.
#include <cstdint>
#include <string>
#include <vector>

#include "evaluation/probes.h"
#include "evaluation/scores.h"
#include "features/pattern.h"
#include "runs/run_executor.h"
#include "storage/run_record.h"

namespace ufm {

class Classifier;

/// What one run is probed with: its tested feature and its patch draws.
struct RunProbes {
  Pattern feature;
  std::vector<ProbeInputs> draws;  ///< draw d's probes (clean and feature are shared by all draws)
};

/// The run's probes: its pair's feature, and its patch draws from the evaluation's own stream
/// (the experiment's shared draw under shared pairing; the pair's under independent pairing).
RunProbes run_probes_for(const ExperimentConfig& config, const ExperimentData& data);

}  // namespace ufm
