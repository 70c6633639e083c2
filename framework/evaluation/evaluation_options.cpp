#include "evaluation/evaluation_options.h"

#include "core/error.h"

namespace ufm {

void EvaluationOptions::validate() const {
  UFM_CHECK(batch_size >= 1, ConfigError, "evaluation.batch_size: expected >= 1, got ", batch_size);
  UFM_CHECK(patch_draws >= 1, ConfigError, "evaluation.patch_draws: expected >= 1, got ", patch_draws);
  UFM_CHECK(candidates >= 1, ConfigError, "evaluation.candidates: expected >= 1 candidate, got ", candidates);
  UFM_CHECK(candidate_space == "random" || candidate_space == "letters" || candidate_space == "list", ConfigError,
            "evaluation.candidate_space: expected random, letters or list, got '", candidate_space, "'");
  UFM_CHECK(candidate_space != "list" || !candidate_list.empty(), ConfigError,
            "evaluation.candidate_list: expected at least one candidate with candidate_space: list, got none");
  UFM_CHECK(candidate_probe_limit >= 0, ConfigError, "evaluation.candidate_probe_limit: expected >= 0, got ",
            candidate_probe_limit);
}

}  // namespace ufm
