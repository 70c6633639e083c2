#include "evaluation/evaluation_options.h"

#include "core/error.h"

namespace ufm {

void EvaluationOptions::validate() const {
  UFM_CHECK(batch_size >= 1, ConfigError, "evaluation.batch_size: expected >= 1, got ", batch_size);
}

}  // namespace ufm
