#pragma once
/// The paper's MLP: flatten → 512 ReLU → 256 ReLU → classes (535,818 parameters on 28×28×1),
/// with the BN variant (batch norm after each hidden dense, before its ReLU) and the dropout
/// variant (dropout 0.5 after each hidden ReLU).
#include "models/classifier.h"
#include "models/model_registry.h"

namespace ufm {

class Mlp : public Classifier {
 public:
  /// Uses options.hidden, options.batch_norm and options.dropout / dropout_rate.
  Mlp(const InputShape& shape, const ModelOptions& options);
};

}  // namespace ufm
