#include "models/layers.h"

namespace ufm {

at::Tensor apply_linear(torch::nn::Linear& layer, const std::string& name, const at::Tensor& x, LayerTrace* trace) {
  at::Tensor output = layer->forward(x);
  if (trace) trace->push_back(LayerRecord{name, "linear", layer.get(), x, output});
  return output;
}

}  // namespace ufm
