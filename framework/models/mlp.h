#pragma once
/// The paper's MLP: flatten → 512 ReLU → 256 ReLU → classes (535,818 parameters on 28×28×1),
/// with the BN variant (batch norm after each hidden dense, before its ReLU) and the dropout
/// variant (dropout 0.5 after each hidden ReLU).
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/linear.h>

#include <vector>

#include "models/classifier.h"
#include "models/model_registry.h"

namespace ufm {

class Mlp : public Classifier {
 public:
  /// Uses options.hidden, options.batch_norm and options.dropout / dropout_rate.
  Mlp(const InputShape& shape, const ModelOptions& options);
  at::Tensor forward_traced(const at::Tensor& x, LayerTrace* trace) override;
  at::Tensor forward_from_first_layer(const at::Tensor& first_output) override;
  std::vector<ForwardStep> forward_steps() const override;

 private:
  /// Everything after hidden layer `first`'s linear map: its BN, ReLU, dropout, then the rest.
  at::Tensor forward_after_linear(at::Tensor h, std::size_t first, LayerTrace* trace);

  std::vector<torch::nn::Linear> layers_;       ///< hidden layers, then the output layer
  std::vector<torch::nn::BatchNorm1d> norms_;   ///< one per hidden layer, or none
  double dropout_rate_ = 0.0;
};

}  // namespace ufm
