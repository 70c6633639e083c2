#pragma once
/// YAML block `evaluation`.
#include <cstdint>
#include <string>
#include <vector>

#include "core/option_table.h"
#include "features/pattern.h"

namespace ufm {

struct EvaluationOptions {
  /// Seed of the random-patch stream (one 5×5 Bernoulli(0.5) patch per OOD image, drawn
  /// once per experiment and shared by every model, canary and control alike).
  std::uint64_t patch_seed = 0;
  /// Store the N×K softmax outputs of the three probes per model.
  bool save_probes = false;
  /// Also score the model after every training epoch (arrays under scores_per_epoch/).
  bool per_epoch = false;
  /// Images per forward pass when probing.
  std::int64_t batch_size = 2000;
  /// Draws D of the random patches: M is computed for each (draw d from the stream
  /// patch_stream_seed(patch_seed, pair, d)); D = 1 is the authors' protocol.
  std::int64_t patch_draws = 1;
  /// Rank the feature among candidate patterns (exposure, docs/verdicts.md).
  bool exposure = false;
  /// Candidates C drawn from a "random" candidate space.
  std::int64_t candidates = 999;
  /// random | letters | list (features/pattern.h, candidate_patterns).
  CandidateSpace candidate_space = CandidateSpace::kRandom;
  /// Candidates of the "list" space: each rows·cols values of 0/1, row-major.
  std::vector<std::vector<int>> candidate_list;
  /// Seed of the candidate stream (pair k draws from stream_seed(candidate_seed, kCandidates, k)).
  std::uint64_t candidate_seed = 0;
  /// OOD images used by the label-unknown exposure (the first N of the OOD set; 0 = all):
  /// it scores every image, not only those of one label, so it costs ~K times more.
  std::int64_t candidate_probe_limit = 1000;
  /// Store every candidate's score (axis "candidate"), not only the ranks.
  bool save_candidate_scores = false;
  /// Declared once (core/option_table.h): key, default, allowed values, description.
  static const OptionTable<EvaluationOptions>& options();
  /// The YAML block these options are read from.
  static constexpr const char* kBlock = "evaluation";
  /// The declared rules, then the rules between options; ConfigError naming the key.
  void validate() const;
};

}  // namespace ufm
