#include "training/adam.h"

#include <ATen/ATen.h>

#include <algorithm>

#include "core/error.h"
#include "training/optimizer_kernels.h"

namespace ufm {
namespace {

std::int64_t check_stacked(const std::vector<at::Tensor>& parameters, const char* who) {
  UFM_CHECK(!parameters.empty(), RuntimeError, who, ": no parameters");
  const std::int64_t models = parameters.front().dim() > 0 ? parameters.front().size(0) : 0;
  for (const auto& parameter : parameters) {
    UFM_CHECK(parameter.scalar_type() == at::kFloat, RuntimeError, who, ": expected float32 parameters, got ",
              parameter.scalar_type());
    UFM_CHECK(parameter.dim() >= 1 && parameter.size(0) == models, RuntimeError, who,
              ": expected stacked parameters [", models, ", ...], got ", parameter.sizes());
  }
  return models;
}

// The active models' indices, or an empty tensor when every model is active.
at::Tensor active_indices(const std::vector<bool>& active, std::int64_t models, const c10::Device& device) {
  std::vector<std::int64_t> indices;
  for (std::int64_t k = 0; k < models; ++k) {
    if (active[static_cast<std::size_t>(k)]) indices.push_back(k);
  }
  if (static_cast<std::int64_t>(indices.size()) == models) return {};
  return at::tensor(indices, at::kLong).to(device);
}

WeightDecay weight_decay_of(const TrainingOptions& options) {
  return WeightDecay{options.weight_decay, options.weight_decay_mode == WeightDecayMode::kDecoupled};
}

}  // namespace

AdamSettings adam_settings(const TrainingOptions& options) {
  return AdamSettings{options.learning_rate, options.beta1, options.beta2, options.epsilon, weight_decay_of(options)};
}

SgdSettings sgd_settings(const TrainingOptions& options) {
  return SgdSettings{options.learning_rate, options.momentum, weight_decay_of(options)};
}

Adam::Adam(std::vector<at::Tensor> parameters, AdamSettings settings)
    : parameters_(std::move(parameters)), settings_(settings) {
  const std::int64_t models = check_stacked(parameters_, "Adam");
  steps_.assign(static_cast<std::size_t>(models), 0);
  for (const auto& parameter : parameters_) {
    first_moment_.push_back(at::zeros_like(parameter, at::MemoryFormat::Contiguous));
    second_moment_.push_back(at::zeros_like(parameter, at::MemoryFormat::Contiguous));
  }
}

void Adam::step(const std::vector<bool>& active) {
  const auto models = static_cast<std::int64_t>(steps_.size());
  UFM_CHECK(static_cast<std::int64_t>(active.size()) == models, RuntimeError, "Adam: ", active.size(),
            " flags for ", models, " models");
  for (std::int64_t k = 0; k < models; ++k) {
    if (active[static_cast<std::size_t>(k)]) ++steps_[static_cast<std::size_t>(k)];
  }
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    at::Tensor& parameter = parameters_[i];
    at::Tensor gradient = parameter.grad();
    if (!gradient.defined()) continue;
    const bool decay = decays(parameter.dim() - 1, settings_.weight_decay);
    if (fusable(parameter, gradient)) {
      // One pass over each active model's slice.
      const std::int64_t slice = parameter.numel() / models;
      float* p = parameter.data_ptr<float>();
      const float* g = gradient.data_ptr<float>();
      float* m = first_moment_[i].data_ptr<float>();
      float* v = second_moment_[i].data_ptr<float>();
      for (std::int64_t k = 0; k < models; ++k) {
        if (!active[static_cast<std::size_t>(k)]) continue;
        const AdamConstants c = adam_constants(settings_, steps_[static_cast<std::size_t>(k)], decay);
        adam_kernel(p + k * slice, g + k * slice, m + k * slice, v + k * slice, slice, c);
      }
      continue;
    }
    // Tensor operations over the active models at once (a GPU, or strided gradients).
    // Models that train together have taken the same number of steps; a model that
    // rejoined later would have fewer, so group by step count.
    std::vector<std::int64_t> counts;
    for (std::int64_t k = 0; k < models; ++k) {
      const std::int64_t count = steps_[static_cast<std::size_t>(k)];
      if (active[static_cast<std::size_t>(k)] && std::find(counts.begin(), counts.end(), count) == counts.end()) {
        counts.push_back(count);
      }
    }
    for (const std::int64_t count : counts) {
      std::vector<bool> group(active.size());
      for (std::int64_t k = 0; k < models; ++k) {
        group[static_cast<std::size_t>(k)] =
            active[static_cast<std::size_t>(k)] && steps_[static_cast<std::size_t>(k)] == count;
      }
      const AdamConstants c = adam_constants(settings_, count, decay);
      const at::Tensor index = active_indices(group, models, parameter.device());
      if (!index.defined()) {
        adam_tensor_update(parameter, gradient, first_moment_[i], second_moment_[i], c);
        continue;
      }
      at::NoGradGuard no_grad;
      at::Tensor p = parameter.index_select(0, index);
      at::Tensor m = first_moment_[i].index_select(0, index);
      at::Tensor v = second_moment_[i].index_select(0, index);
      adam_tensor_update(p, gradient.index_select(0, index), m, v, c);
      parameter.index_copy_(0, index, p);
      first_moment_[i].index_copy_(0, index, m);
      second_moment_[i].index_copy_(0, index, v);
    }
  }
}

Sgd::Sgd(std::vector<at::Tensor> parameters, SgdSettings settings)
    : parameters_(std::move(parameters)), settings_(settings) {
  check_stacked(parameters_, "Sgd");
  for (const auto& parameter : parameters_) velocity_.push_back(at::zeros_like(parameter, at::MemoryFormat::Contiguous));
}

void Sgd::step(const std::vector<bool>& active) {
  const std::int64_t models = parameters_.front().size(0);
  UFM_CHECK(static_cast<std::int64_t>(active.size()) == models, RuntimeError, "Sgd: ", active.size(),
            " flags for ", models, " models");
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    at::Tensor& parameter = parameters_[i];
    at::Tensor gradient = parameter.grad();
    if (!gradient.defined()) continue;
    const SgdConstants c = sgd_constants(settings_, decays(parameter.dim() - 1, settings_.weight_decay));
    if (fusable(parameter, gradient)) {
      const std::int64_t slice = parameter.numel() / models;
      for (std::int64_t k = 0; k < models; ++k) {
        if (!active[static_cast<std::size_t>(k)]) continue;
        sgd_kernel(parameter.data_ptr<float>() + k * slice, gradient.data_ptr<float>() + k * slice,
                   velocity_[i].data_ptr<float>() + k * slice, slice, c);
      }
      continue;
    }
    const at::Tensor index = active_indices(active, models, parameter.device());
    if (!index.defined()) {
      sgd_tensor_update(parameter, gradient, velocity_[i], c);
      continue;
    }
    at::NoGradGuard no_grad;
    at::Tensor p = parameter.index_select(0, index);
    at::Tensor v = velocity_[i].index_select(0, index);
    sgd_tensor_update(p, gradient.index_select(0, index), v, c);
    parameter.index_copy_(0, index, p);
    velocity_[i].index_copy_(0, index, v);
  }
}

}  // namespace ufm
