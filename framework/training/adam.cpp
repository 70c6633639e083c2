#include "training/adam.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <cmath>

#include "core/error.h"

namespace ufm {
namespace {

// Chunks large enough that the parallel overhead stays small for 10^5-element layers;
// tiny tensors (biases) run on the calling thread.
constexpr std::int64_t kGrain = 1 << 15;

// Weight decay as two factors of the update: `l2` adds l2·w to the gradient (L2 in the loss),
// `shrink` multiplies w before the step (decoupled). Only matrices and kernels decay.
struct DecayFactors {
  float l2 = 0.f;
  float shrink = 1.f;
};

DecayFactors decay_factors(const at::Tensor& parameter, const WeightDecay& decay, double learning_rate) {
  if (decay.rate <= 0 || parameter.dim() < 2) return {};
  if (decay.decoupled) return {0.f, static_cast<float>(1.0 - learning_rate * decay.rate)};
  return {static_cast<float>(decay.rate), 1.f};
}

bool fusable(const at::Tensor& parameter, const at::Tensor& gradient) {
  return parameter.device().is_cpu() && parameter.is_contiguous() && gradient.is_contiguous();
}

void check_float(const std::vector<at::Tensor>& parameters, const char* who) {
  for (const auto& parameter : parameters) {
    UFM_CHECK(parameter.scalar_type() == at::kFloat, RuntimeError, who, ": expected float32 parameters, got ",
              parameter.scalar_type());
  }
}

}  // namespace

FusedAdam::FusedAdam(std::vector<at::Tensor> parameters, AdamSettings settings)
    : parameters_(std::move(parameters)), settings_(settings) {
  check_float(parameters_, "FusedAdam");
  for (const auto& parameter : parameters_) {
    first_moment_.push_back(at::zeros_like(parameter, at::MemoryFormat::Contiguous));
    second_moment_.push_back(at::zeros_like(parameter, at::MemoryFormat::Contiguous));
  }
}

void FusedAdam::step() {
  ++step_;
  const double bias_correction1 = 1.0 - std::pow(settings_.beta1, static_cast<double>(step_));
  const double bias_correction2 = 1.0 - std::pow(settings_.beta2, static_cast<double>(step_));
  const float beta1 = static_cast<float>(settings_.beta1);
  const float beta2 = static_cast<float>(settings_.beta2);
  const float one_minus_beta1 = static_cast<float>(1.0 - settings_.beta1);
  const float one_minus_beta2 = static_cast<float>(1.0 - settings_.beta2);
  const float step_size = static_cast<float>(settings_.learning_rate / bias_correction1);
  const float inverse_sqrt_bias_correction2 = static_cast<float>(1.0 / std::sqrt(bias_correction2));
  const float epsilon = static_cast<float>(settings_.epsilon);

  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    at::Tensor& parameter = parameters_[i];
    const at::Tensor& gradient = parameter.grad();
    if (!gradient.defined()) continue;
    const DecayFactors decay = decay_factors(parameter, settings_.weight_decay, settings_.learning_rate);
    const float l2 = decay.l2;
    const float shrink = decay.shrink;
    if (!fusable(parameter, gradient)) {
      at::NoGradGuard no_grad;
      at::Tensor g = l2 != 0.f ? gradient + l2 * parameter : gradient;
      if (shrink != 1.f) parameter.mul_(shrink);
      first_moment_[i].mul_(beta1).add_(g, one_minus_beta1);
      second_moment_[i].mul_(beta2).addcmul_(g, g, one_minus_beta2);
      at::Tensor denominator = (second_moment_[i].sqrt() * inverse_sqrt_bias_correction2).add_(epsilon);
      parameter.addcdiv_(first_moment_[i], denominator, -step_size);
      continue;
    }
    float* __restrict p = parameter.data_ptr<float>();
    const float* __restrict g = gradient.data_ptr<float>();
    float* __restrict m = first_moment_[i].data_ptr<float>();
    float* __restrict v = second_moment_[i].data_ptr<float>();
    at::parallel_for(0, parameter.numel(), kGrain, [&](std::int64_t begin, std::int64_t end) {
#pragma omp simd
      for (std::int64_t k = begin; k < end; ++k) {
        const float grad = g[k] + l2 * p[k];
        const float m_k = beta1 * m[k] + one_minus_beta1 * grad;
        const float v_k = beta2 * v[k] + one_minus_beta2 * grad * grad;
        m[k] = m_k;
        v[k] = v_k;
        p[k] = p[k] * shrink - step_size * m_k / (std::sqrt(v_k) * inverse_sqrt_bias_correction2 + epsilon);
      }
    });
  }
}

FusedSgd::FusedSgd(std::vector<at::Tensor> parameters, SgdSettings settings)
    : parameters_(std::move(parameters)), settings_(settings) {
  check_float(parameters_, "FusedSgd");
  for (const auto& parameter : parameters_) velocity_.push_back(at::zeros_like(parameter, at::MemoryFormat::Contiguous));
}

void FusedSgd::step() {
  const float learning_rate = static_cast<float>(settings_.learning_rate);
  const float momentum = static_cast<float>(settings_.momentum);
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    at::Tensor& parameter = parameters_[i];
    const at::Tensor& gradient = parameter.grad();
    if (!gradient.defined()) continue;
    const DecayFactors decay = decay_factors(parameter, settings_.weight_decay, settings_.learning_rate);
    const float l2 = decay.l2;
    const float shrink = decay.shrink;
    if (!fusable(parameter, gradient)) {
      at::NoGradGuard no_grad;
      at::Tensor g = l2 != 0.f ? gradient + l2 * parameter : gradient;
      velocity_[i].mul_(momentum).add_(g);
      if (shrink != 1.f) parameter.mul_(shrink);
      parameter.add_(velocity_[i], -learning_rate);
      continue;
    }
    float* __restrict p = parameter.data_ptr<float>();
    const float* __restrict g = gradient.data_ptr<float>();
    float* __restrict v = velocity_[i].data_ptr<float>();
    at::parallel_for(0, parameter.numel(), kGrain, [&](std::int64_t begin, std::int64_t end) {
#pragma omp simd
      for (std::int64_t k = begin; k < end; ++k) {
        const float v_k = momentum * v[k] + g[k] + l2 * p[k];
        v[k] = v_k;
        p[k] = p[k] * shrink - learning_rate * v_k;
      }
    });
  }
}

}  // namespace ufm
