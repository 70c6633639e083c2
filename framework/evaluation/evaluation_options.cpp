#include "evaluation/evaluation_options.h"

#include "core/error.h"

namespace ufm {

const OptionTable<EvaluationOptions>& EvaluationOptions::options() {
  static const OptionTable<EvaluationOptions> table = [] {
    OptionTable<EvaluationOptions> t;
    t.add("patch_seed", &EvaluationOptions::patch_seed, "seed of the random-patch stream shared by all models")
        .add("save_probes", &EvaluationOptions::save_probes, "store the softmax outputs of the three probes")
        .add("per_epoch", &EvaluationOptions::per_epoch, "also score the model after every epoch (scores_per_epoch/)")
        .add("batch_size", &EvaluationOptions::batch_size, "images per forward pass when probing")
        .at_least(1)
        .add("patch_draws", &EvaluationOptions::patch_draws, "draws D of the random patches (M per draw in M_draws)")
        .at_least(1)
        .add("exposure", &EvaluationOptions::exposure, "rank the feature among candidate patterns (exposure)")
        .add("candidates", &EvaluationOptions::candidates, "candidates C of the random candidate space")
        .at_least(1)
        .add("candidate_space", &EvaluationOptions::candidate_space, "candidate patterns: random | letters | list")
        .add("candidate_list", &EvaluationOptions::candidate_list,
             "candidates of the list space: rows*cols 0/1 values each, row-major")
        .add("candidate_seed", &EvaluationOptions::candidate_seed, "seed of the candidate stream, keyed by pair")
        .add("candidate_probe_limit", &EvaluationOptions::candidate_probe_limit,
             "OOD images scored by the label-unknown exposure (0 = all)")
        .at_least(0, "0 = all")
        .add("save_candidate_scores", &EvaluationOptions::save_candidate_scores,
             "store every candidate's score (axis candidate)");
    return t;
  }();
  return table;
}

void EvaluationOptions::validate() const {
  check_options(options(), *this, kBlock);
  UFM_CHECK(candidate_space != CandidateSpace::kList || !candidate_list.empty(), ConfigError, option_path(kBlock, "candidate_list"),
            ": expected at least one candidate with candidate_space: list, got none");
}

}  // namespace ufm
