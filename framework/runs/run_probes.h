#pragma once
/// What one run is probed with (its tested feature and patch draws), and the probe-level
/// helpers the stages share: views of softmax outputs, the authors' scores of a model, M per
/// patch draw.
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

/// Views of the probe outputs for the score functions (evaluation/scores.h).
ProbeOutputs outputs_of(const ProbeProbabilities& probes);

/// The authors' scores of `model` on `inputs` (the softmax kept in `keep` when given).
MemorisationScores score_model(Classifier& model, const ProbeInputs& inputs, std::int64_t batch_size,
                               ProbeProbabilities* keep = nullptr);

/// M for every label (rows: draws) of one model on the run's probes; draw 0 is `draw0`.
std::vector<std::vector<LabelKnownScore>> m_per_draw(Classifier& model, const RunProbes& probes,
                                                     std::int64_t batch_size, const MemorisationScores& draw0);

/// Stores M per draw at `path`: axis "draw" on a canary (its label), "draw,label" on a control.
void add_m_draws(RunRecord& record, const std::string& path, const std::vector<std::vector<LabelKnownScore>>& draws,
                 std::int64_t label);

}  // namespace ufm
