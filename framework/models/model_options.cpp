#include "core/error.h"
#include "models/model_registry.h"

namespace ufm {

void ModelOptions::validate() const {
  UFM_CHECK(!name.empty(), ConfigError, "model.name: expected a model name, got an empty string");
  UFM_CHECK(!hidden.empty(), ConfigError, "model.hidden: expected at least one layer width");
  for (auto width : hidden) {
    UFM_CHECK(width >= 1, ConfigError, "model.hidden: expected widths >= 1, got ", width);
  }
}

}  // namespace ufm
