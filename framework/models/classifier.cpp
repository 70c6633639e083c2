#include "models/classifier.h"

#include <ATen/ATen.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include "core/error.h"
#include "models/layers.h"

namespace ufm {
namespace {

bool has_parameters(ForwardStep::Kind kind) {
  return kind == ForwardStep::Kind::kLinear || kind == ForwardStep::Kind::kConv2d ||
         kind == ForwardStep::Kind::kBatchNorm;
}

// The module's own forward as a callable, resolved once: each step then computes exactly
// what LibTorch's layer does, with no type look-up per pass. Empty when the module is not
// of the step's kind.
Classifier::LayerForward resolve_layer(ForwardStep::Kind kind, torch::nn::Module& module) {
  switch (kind) {
    case ForwardStep::Kind::kLinear:
      if (auto* linear = module.as<torch::nn::LinearImpl>()) return [linear](const at::Tensor& x) { return linear->forward(x); };
      break;
    case ForwardStep::Kind::kConv2d:
      if (auto* conv = module.as<torch::nn::Conv2dImpl>()) return [conv](const at::Tensor& x) { return conv->forward(x); };
      break;
    case ForwardStep::Kind::kBatchNorm:
      if (auto* norm = module.as<torch::nn::BatchNorm1dImpl>()) return [norm](const at::Tensor& x) { return norm->forward(x); };
      if (auto* norm = module.as<torch::nn::BatchNorm2dImpl>()) return [norm](const at::Tensor& x) { return norm->forward(x); };
      break;
    default:
      break;
  }
  return nullptr;
}

}  // namespace

void Classifier::describe(std::vector<ForwardStep> steps) {
  const auto children = named_children();
  std::vector<torch::nn::Module*> modules;
  std::vector<LayerForward> forwards;
  for (const ForwardStep& step : steps) {
    if (!has_parameters(step.kind)) {
      modules.push_back(nullptr);
      forwards.emplace_back();
      continue;
    }
    const auto* child = children.find(step.name);
    LayerForward forward = child != nullptr ? resolve_layer(step.kind, **child) : nullptr;
    UFM_CHECK(forward, RuntimeError, "Classifier::describe: step ", step_kind_name(step.kind), " names '", step.name,
              "', which is not a registered ", step_kind_name(step.kind), " layer of this model");
    modules.push_back(child->get());
    forwards.push_back(std::move(forward));
  }
  steps_ = std::move(steps);
  step_modules_ = std::move(modules);
  step_forwards_ = std::move(forwards);
}

at::Tensor Classifier::run_steps(at::Tensor h, std::size_t first, LayerTrace* trace) {
  for (std::size_t i = first; i < steps_.size(); ++i) {
    const ForwardStep& step = steps_[i];
    switch (step.kind) {
      case ForwardStep::Kind::kFlatten:
        h = h.flatten(1);
        break;
      case ForwardStep::Kind::kLinear:
      case ForwardStep::Kind::kConv2d:
      case ForwardStep::Kind::kBatchNorm: {
        at::Tensor output = step_forwards_[i](h);
        if (trace) trace->push_back(LayerRecord{step.name, step_kind_name(step.kind), step_modules_[i], h, output});
        h = output;
        break;
      }
      case ForwardStep::Kind::kRelu:
        h = at::relu(h);
        break;
      case ForwardStep::Kind::kDropout:
        h = seeded_dropout(h, step.rate, is_training(), generator_);
        break;
      case ForwardStep::Kind::kMaxPool2:
        h = at::max_pool2d(h, {2, 2});
        break;
    }
  }
  return h;
}

const char* step_kind_name(ForwardStep::Kind kind) {
  switch (kind) {
    case ForwardStep::Kind::kFlatten: return "flatten";
    case ForwardStep::Kind::kLinear: return "linear";
    case ForwardStep::Kind::kConv2d: return "conv2d";
    case ForwardStep::Kind::kBatchNorm: return "batch_norm";
    case ForwardStep::Kind::kRelu: return "relu";
    case ForwardStep::Kind::kDropout: return "dropout";
    case ForwardStep::Kind::kMaxPool2: return "max_pool2";
  }
  return "?";
}

at::Tensor Classifier::forward_traced(const at::Tensor& x, LayerTrace* trace) {
  UFM_CHECK(!steps_.empty(), RuntimeError, "Classifier: this model describes no forward steps");
  return run_steps(x, 0, trace);
}

at::Tensor Classifier::forward_from_first_layer(const at::Tensor& first_output) {
  if (steps_.size() < 2 || steps_[0].kind != ForwardStep::Kind::kFlatten ||
      steps_[1].kind != ForwardStep::Kind::kLinear) {
    return at::Tensor();
  }
  return run_steps(first_output, 2, nullptr);
}

}  // namespace ufm
