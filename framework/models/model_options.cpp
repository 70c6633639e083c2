#include <cmath>

#include "core/error.h"
#include "models/model_registry.h"

namespace ufm {

void ModelOptions::validate() const {
  UFM_CHECK(!name.empty(), ConfigError, "model.name: expected a model name, got an empty string");
  UFM_CHECK(!hidden.empty(), ConfigError, "model.hidden: expected at least one layer width");
  for (auto width : hidden) {
    UFM_CHECK(width >= 1, ConfigError, "model.hidden: expected widths >= 1, got ", width);
  }
  // Written so that NaN fails too.
  UFM_CHECK(dropout_rate < 0.0 || (dropout_rate >= 0.0 && dropout_rate < 1.0), ConfigError,
            "model.dropout_rate: expected a rate in [0, 1) or a negative value for the paper's rates, got ",
            dropout_rate);
}

double ModelOptions::dropout_rate_for(double paper_rate) const {
  if (!dropout) return 0.0;
  return dropout_rate >= 0.0 ? dropout_rate : paper_rate;
}

}  // namespace ufm
