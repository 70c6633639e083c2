#include "models/classifier.h"

#include <ATen/ATen.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include "core/error.h"
#include "models/layers.h"

namespace ufm {
namespace {

// Kind names as LayerRecord stores them (influence and per-example norms read them).
const char* record_kind(ForwardStep::Kind kind) {
  switch (kind) {
    case ForwardStep::Kind::kLinear: return "linear";
    case ForwardStep::Kind::kConv2d: return "conv2d";
    case ForwardStep::Kind::kBatchNorm: return "batch_norm";
    default: return "";
  }
}

bool has_parameters(ForwardStep::Kind kind) { return record_kind(kind)[0] != '\0'; }

bool module_fits(ForwardStep::Kind kind, torch::nn::Module& module) {
  switch (kind) {
    case ForwardStep::Kind::kLinear: return module.as<torch::nn::LinearImpl>() != nullptr;
    case ForwardStep::Kind::kConv2d: return module.as<torch::nn::Conv2dImpl>() != nullptr;
    case ForwardStep::Kind::kBatchNorm:
      return module.as<torch::nn::BatchNorm1dImpl>() != nullptr || module.as<torch::nn::BatchNorm2dImpl>() != nullptr;
    default: return false;
  }
}

// The module's own forward, so each step computes exactly what LibTorch's layer does.
at::Tensor apply_module(ForwardStep::Kind kind, torch::nn::Module& module, const at::Tensor& x) {
  switch (kind) {
    case ForwardStep::Kind::kLinear: return module.as<torch::nn::LinearImpl>()->forward(x);
    case ForwardStep::Kind::kConv2d: return module.as<torch::nn::Conv2dImpl>()->forward(x);
    default: break;
  }
  if (auto* norm1d = module.as<torch::nn::BatchNorm1dImpl>()) return norm1d->forward(x);
  return module.as<torch::nn::BatchNorm2dImpl>()->forward(x);
}

}  // namespace

void Classifier::describe(std::vector<ForwardStep> steps) {
  const auto children = named_children();
  std::vector<torch::nn::Module*> modules;
  for (const ForwardStep& step : steps) {
    if (!has_parameters(step.kind)) {
      modules.push_back(nullptr);
      continue;
    }
    const auto* child = children.find(step.name);
    UFM_CHECK(child != nullptr && module_fits(step.kind, **child), RuntimeError, "Classifier::describe: step ",
              record_kind(step.kind), " names '", step.name, "', which is not a registered ", record_kind(step.kind),
              " layer of this model");
    modules.push_back(child->get());
  }
  steps_ = std::move(steps);
  step_modules_ = std::move(modules);
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
        at::Tensor output = apply_module(step.kind, *step_modules_[i], h);
        if (trace) trace->push_back(LayerRecord{step.name, record_kind(step.kind), step_modules_[i], h, output});
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
