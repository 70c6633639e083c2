#include <cmath>

#include "core/error.h"
#include "models/model_registry.h"

namespace ufm {

const OptionTable<ModelOptions>& ModelOptions::options() {
  static const OptionTable<ModelOptions> table = [] {
    OptionTable<ModelOptions> t;
    t.add("name", &ModelOptions::name, "registered model name")
        .one_of([] { return model_registry().names(); })
        .add("hidden", &ModelOptions::hidden, "hidden layer widths of the MLP")
        .non_empty("at least one layer width")
        .at_least(1)
        .add("batch_norm", &ModelOptions::batch_norm, "batch norm after every dense/conv layer, before ReLU")
        .add("dropout", &ModelOptions::dropout, "dropout with the paper's rates (MLP 0.5; CNN 0.2 conv, 0.5 dense)")
        .add("dropout_rate", &ModelOptions::dropout_rate, "one rate for every dropout layer (< 0 = the paper's)")
        .below(1);
    return t;
  }();
  return table;
}

void ModelOptions::validate() const { check_options(options(), *this, kBlock); }

double ModelOptions::dropout_rate_for(double paper_rate) const {
  if (!dropout) return 0.0;
  return dropout_rate >= 0.0 ? dropout_rate : paper_rate;
}

}  // namespace ufm
