#include "training/optimizer_kernels.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <cmath>

#include "core/error.h"

namespace ufm {
namespace {

// Chunks large enough that the parallel overhead stays small for 10^5-element layers;
// tiny tensors (biases) run on the calling thread.
constexpr std::int64_t kGrain = 1 << 15;

}  // namespace

bool fusable(const at::Tensor& parameter, const at::Tensor& gradient) {
  return parameter.device().is_cpu() && parameter.is_contiguous() && gradient.is_contiguous();
}

namespace {

// Weight decay as the two factors the kernels apply: an L2 rate added to the gradient, or
// the decoupled shrink 1 − lr·rate of the weights (WeightDecay, optimizer.h).
struct DecayFactors {
  float l2 = 0.f;
  float shrink = 1.f;
};

DecayFactors decay_factors(double learning_rate, const WeightDecay& weight_decay, bool decay) {
  DecayFactors factors;
  if (!decay) return factors;
  if (weight_decay.decoupled) {
    factors.shrink = static_cast<float>(1.0 - learning_rate * weight_decay.rate);
  } else {
    factors.l2 = static_cast<float>(weight_decay.rate);
  }
  return factors;
}

}  // namespace

AdamConstants adam_constants(const AdamSettings& settings, std::int64_t step, bool decay) {
  const double bias_correction1 = 1.0 - std::pow(settings.beta1, static_cast<double>(step));
  const double bias_correction2 = 1.0 - std::pow(settings.beta2, static_cast<double>(step));
  AdamConstants c;
  c.beta1 = static_cast<float>(settings.beta1);
  c.beta2 = static_cast<float>(settings.beta2);
  c.one_minus_beta1 = static_cast<float>(1.0 - settings.beta1);
  c.one_minus_beta2 = static_cast<float>(1.0 - settings.beta2);
  c.step_size = static_cast<float>(settings.learning_rate / bias_correction1);
  c.inverse_sqrt_bias_correction2 = static_cast<float>(1.0 / std::sqrt(bias_correction2));
  c.epsilon = static_cast<float>(settings.epsilon);
  const DecayFactors factors = decay_factors(settings.learning_rate, settings.weight_decay, decay);
  c.l2 = factors.l2;
  c.shrink = factors.shrink;
  return c;
}

void adam_kernel(float* __restrict p, const float* __restrict g, float* __restrict m, float* __restrict v,
                 std::int64_t n, const AdamConstants& c) {
  const AdamConstants k = c;  // by value, so the loop sees no aliasing
  at::parallel_for(0, n, kGrain, [&](std::int64_t begin, std::int64_t end) {
#pragma omp simd
    for (std::int64_t i = begin; i < end; ++i) {
      const float grad = g[i] + k.l2 * p[i];
      const float m_i = k.beta1 * m[i] + k.one_minus_beta1 * grad;
      const float v_i = k.beta2 * v[i] + k.one_minus_beta2 * grad * grad;
      m[i] = m_i;
      v[i] = v_i;
      p[i] = p[i] * k.shrink - k.step_size * m_i / (std::sqrt(v_i) * k.inverse_sqrt_bias_correction2 + k.epsilon);
    }
  });
}

void adam_tensor_update(at::Tensor& parameter, const at::Tensor& gradient, at::Tensor& first_moment,
                        at::Tensor& second_moment, const AdamConstants& c) {
  at::NoGradGuard no_grad;
  at::Tensor g = c.l2 != 0.f ? gradient + c.l2 * parameter : gradient;
  if (c.shrink != 1.f) parameter.mul_(c.shrink);
  first_moment.mul_(c.beta1).add_(g, c.one_minus_beta1);
  second_moment.mul_(c.beta2).addcmul_(g, g, c.one_minus_beta2);
  at::Tensor denominator = (second_moment.sqrt() * c.inverse_sqrt_bias_correction2).add_(c.epsilon);
  parameter.addcdiv_(first_moment, denominator, -c.step_size);
}

SgdConstants sgd_constants(const SgdSettings& settings, bool decay) {
  SgdConstants c;
  c.learning_rate = static_cast<float>(settings.learning_rate);
  c.momentum = static_cast<float>(settings.momentum);
  const DecayFactors factors = decay_factors(settings.learning_rate, settings.weight_decay, decay);
  c.l2 = factors.l2;
  c.shrink = factors.shrink;
  return c;
}

void sgd_kernel(float* __restrict p, const float* __restrict g, float* __restrict velocity, std::int64_t n,
                const SgdConstants& c) {
  const SgdConstants k = c;
  at::parallel_for(0, n, kGrain, [&](std::int64_t begin, std::int64_t end) {
#pragma omp simd
    for (std::int64_t i = begin; i < end; ++i) {
      const float v_i = k.momentum * velocity[i] + g[i] + k.l2 * p[i];
      velocity[i] = v_i;
      p[i] = p[i] * k.shrink - k.learning_rate * v_i;
    }
  });
}

void sgd_tensor_update(at::Tensor& parameter, const at::Tensor& gradient, at::Tensor& velocity,
                       const SgdConstants& c) {
  at::NoGradGuard no_grad;
  at::Tensor g = c.l2 != 0.f ? gradient + c.l2 * parameter : gradient;
  velocity.mul_(c.momentum).add_(g);
  if (c.shrink != 1.f) parameter.mul_(c.shrink);
  parameter.add_(velocity, -c.learning_rate);
}

}  // namespace ufm
