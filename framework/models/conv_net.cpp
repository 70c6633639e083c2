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

ConvNet::ConvNet(const InputShape& shape, const ConvNetSpec& spec, const ModelOptions& options) {
  using Kind = ForwardStep::Kind;
  const double conv_dropout_rate = options.dropout_rate_for(kPaperConvDropoutRate);
  const double dense_dropout_rate = options.dropout_rate_for(kPaperDenseDropoutRate);
  std::vector<ForwardStep> steps;
  std::int64_t channels = shape.channels, height = shape.height, width = shape.width;
  for (std::size_t i = 0; i < spec.convs.size(); ++i) {
    const ConvLayerSpec& layer = spec.convs[i];
    const std::int64_t padding = layer.same_padding ? kKernel / 2 : 0;
    const auto conv_options = torch::nn::Conv2dOptions(channels, layer.channels, kKernel).padding(padding);
    register_module(conv_name(i), torch::nn::Conv2d(conv_options));
    steps.push_back(ForwardStep::of(Kind::kConv2d, conv_name(i), padding));
    if (options.batch_norm) {
      register_module(conv_name(i) + "_bn", keras_batch_norm2d(layer.channels));
      steps.push_back(keras_batch_norm_step(conv_name(i) + "_bn"));
    }
    steps.push_back(ForwardStep::of(Kind::kRelu));
    for (const auto& step : dropout_step(conv_dropout_rate)) steps.push_back(step);
    if (layer.pool_after) steps.push_back(ForwardStep::of(Kind::kMaxPool2));
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
  steps.push_back(ForwardStep::of(Kind::kFlatten));
  std::int64_t features = channels * height * width;
  for (std::size_t i = 0; i < spec.dense.size(); ++i) {
    register_module(dense_name(i), torch::nn::Linear(features, spec.dense[i]));
    steps.push_back(ForwardStep::of(Kind::kLinear, dense_name(i)));
    if (options.batch_norm) {
      register_module(dense_name(i) + "_bn", keras_batch_norm1d(spec.dense[i]));
      steps.push_back(keras_batch_norm_step(dense_name(i) + "_bn"));
    }
    steps.push_back(ForwardStep::of(Kind::kRelu));
    for (const auto& step : dropout_step(dense_dropout_rate)) steps.push_back(step);
    features = spec.dense[i];
  }
  register_module("output", torch::nn::Linear(features, shape.classes));
  steps.push_back(ForwardStep::of(Kind::kLinear, "output"));
  describe(std::move(steps));
}

}  // namespace ufm
