#include "models/conv_net.h"

#include <ATen/ATen.h>

#include "core/error.h"
#include "models/layers.h"

namespace ufm {
namespace {

constexpr std::int64_t kKernel = 3;
/// The authors' rates in get_cnn_2_do(): after each conv ReLU, after the dense ReLU.
constexpr double kPaperConvDropoutRate = 0.2;
constexpr double kPaperDenseDropoutRate = 0.5;

std::string conv_name(std::size_t i) { return "conv" + std::to_string(i); }
std::string dense_name(std::size_t i) { return "dense" + std::to_string(i); }

}  // namespace

ConvNetSpec cnn1_spec() {
  return ConvNetSpec{"cnn1", {{32, false, false}, {64, false, true}}, {128, 128}};
}

ConvNetSpec cnn2_spec() {
  return ConvNetSpec{"cnn2", {{32, true, false}, {32, true, true}, {64, true, false}, {64, true, true}}, {1024}};
}

ConvNet::ConvNet(const InputShape& shape, const ConvNetSpec& spec, const ModelOptions& options)
    : spec_(spec),
      conv_dropout_rate_(options.dropout_rate_for(kPaperConvDropoutRate)),
      dense_dropout_rate_(options.dropout_rate_for(kPaperDenseDropoutRate)) {
  std::int64_t channels = shape.channels, height = shape.height, width = shape.width;
  for (std::size_t i = 0; i < spec.convs.size(); ++i) {
    const ConvLayerSpec& layer = spec.convs[i];
    const std::int64_t padding = layer.same_padding ? kKernel / 2 : 0;
    const auto conv_options = torch::nn::Conv2dOptions(channels, layer.channels, kKernel).padding(padding);
    convs_.push_back(register_module(conv_name(i), torch::nn::Conv2d(conv_options)));
    if (options.batch_norm) {
      conv_norms_.push_back(register_module(conv_name(i) + "_bn", keras_batch_norm2d(layer.channels)));
    }
    channels = layer.channels;
    height += 2 * padding - (kKernel - 1);
    width += 2 * padding - (kKernel - 1);
    if (layer.pool_after) {
      height /= 2;
      width /= 2;
    }
    UFM_CHECK(height >= 1 && width >= 1, ConfigError, "model ", spec.name, ": input ", shape.height, "x", shape.width,
              " is too small; after ", conv_name(i), " the feature map would be ", height, "x", width);
  }
  // Flattening is NCHW (channel-major) where Keras flattens NHWC: a fixed permutation of
  // the first dense layer's inputs. Parameter count, function class and the i.i.d.
  // Glorot-uniform initial distribution are unchanged, and we never load Keras weights.
  std::int64_t features = channels * height * width;
  for (std::size_t i = 0; i < spec.dense.size(); ++i) {
    dense_.push_back(register_module(dense_name(i), torch::nn::Linear(features, spec.dense[i])));
    if (options.batch_norm) {
      dense_norms_.push_back(register_module(dense_name(i) + "_bn", keras_batch_norm1d(spec.dense[i])));
    }
    features = spec.dense[i];
  }
  dense_.push_back(register_module("output", torch::nn::Linear(features, shape.classes)));
}

at::Tensor ConvNet::forward_traced(const at::Tensor& x, LayerTrace* trace) {
  at::Tensor h = x;
  for (std::size_t i = 0; i < convs_.size(); ++i) {
    h = apply_conv2d(convs_[i], conv_name(i), h, trace);
    if (!conv_norms_.empty()) h = apply_batch_norm(conv_norms_[i], conv_name(i) + "_bn", h, trace);
    h = seeded_dropout(at::relu(h), conv_dropout_rate_, is_training(), generator_);
    if (spec_.convs[i].pool_after) h = at::max_pool2d(h, {2, 2});
  }
  h = h.flatten(1);
  for (std::size_t i = 0; i + 1 < dense_.size(); ++i) {
    h = apply_linear(dense_[i], dense_name(i), h, trace);
    if (!dense_norms_.empty()) h = apply_batch_norm(dense_norms_[i], dense_name(i) + "_bn", h, trace);
    h = seeded_dropout(at::relu(h), dense_dropout_rate_, is_training(), generator_);
  }
  return apply_linear(dense_.back(), "output", h, trace);
}

std::vector<ForwardStep> ConvNet::forward_steps() const {
  using Kind = ForwardStep::Kind;
  std::vector<ForwardStep> steps;
  for (std::size_t i = 0; i < convs_.size(); ++i) {
    steps.push_back(ForwardStep::of(Kind::kConv2d, conv_name(i), spec_.convs[i].same_padding ? kKernel / 2 : 0));
    if (!conv_norms_.empty()) steps.push_back(keras_batch_norm_step(conv_name(i) + "_bn"));
    steps.push_back(ForwardStep::of(Kind::kRelu));
    for (const auto& step : dropout_step(conv_dropout_rate_)) steps.push_back(step);
    if (spec_.convs[i].pool_after) steps.push_back(ForwardStep::of(Kind::kMaxPool2));
  }
  steps.push_back(ForwardStep::of(Kind::kFlatten));
  for (std::size_t i = 0; i + 1 < dense_.size(); ++i) {
    steps.push_back(ForwardStep::of(Kind::kLinear, dense_name(i)));
    if (!dense_norms_.empty()) steps.push_back(keras_batch_norm_step(dense_name(i) + "_bn"));
    steps.push_back(ForwardStep::of(Kind::kRelu));
    for (const auto& step : dropout_step(dense_dropout_rate_)) steps.push_back(step);
  }
  steps.push_back(ForwardStep::of(Kind::kLinear, "output"));
  return steps;
}

}  // namespace ufm
