#include "models/layers.h"

#include <ATen/ATen.h>

#include "core/error.h"

namespace ufm {
namespace {

template <typename Layer>
at::Tensor apply_traced(Layer& layer, const char* kind, const std::string& name, const at::Tensor& x,
                        LayerTrace* trace) {
  at::Tensor output = layer->forward(x);
  if (trace) trace->push_back(LayerRecord{name, kind, layer.get(), x, output});
  return output;
}

}  // namespace

at::Tensor apply_linear(torch::nn::Linear& layer, const std::string& name, const at::Tensor& x, LayerTrace* trace) {
  return apply_traced(layer, "linear", name, x, trace);
}

torch::nn::BatchNorm1d keras_batch_norm1d(std::int64_t features) {
  return torch::nn::BatchNorm1d(
      torch::nn::BatchNormOptions(features).momentum(kKerasBatchNormMomentum).eps(kKerasBatchNormEps));
}

torch::nn::BatchNorm2d keras_batch_norm2d(std::int64_t channels) {
  return torch::nn::BatchNorm2d(
      torch::nn::BatchNormOptions(channels).momentum(kKerasBatchNormMomentum).eps(kKerasBatchNormEps));
}

ForwardStep keras_batch_norm_step(const std::string& name) {
  ForwardStep step = ForwardStep::of(ForwardStep::Kind::kBatchNorm, name);
  step.momentum = kKerasBatchNormMomentum;
  step.eps = kKerasBatchNormEps;
  return step;
}

std::vector<ForwardStep> dropout_step(double rate) {
  if (rate == 0.0) return {};
  ForwardStep step = ForwardStep::of(ForwardStep::Kind::kDropout);
  step.rate = rate;
  return {step};
}

at::Tensor dropout_mask(at::IntArrayRef shape, double rate, at::Generator& generator, const c10::Device& device) {
  at::NoGradGuard no_grad;
  at::Tensor mask = at::empty(shape, at::TensorOptions().dtype(at::kFloat));
  mask.bernoulli_(1.0 - rate, c10::optional<at::Generator>(generator));
  mask.div_(1.0 - rate);
  return device.is_cpu() ? mask : mask.to(device);
}

at::Tensor seeded_dropout(const at::Tensor& x, double rate, bool training, std::optional<at::Generator>& generator) {
  UFM_CHECK(rate >= 0.0 && rate < 1.0, RuntimeError, "dropout: expected a rate in [0, 1), got ", rate);
  if (!training || rate == 0.0) return x;
  UFM_CHECK(generator.has_value(), RuntimeError,
            "dropout: the model is training with dropout but has no generator (call set_generator first)");
  // The mask needs no gradient; the product carries x's gradient, scaled like the values.
  return x * dropout_mask(x.sizes(), rate, *generator, x.device());
}

}  // namespace ufm
