#include "training/adam.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <cmath>

#include "core/error.h"

namespace ufm {

FusedAdam::FusedAdam(std::vector<at::Tensor> parameters, AdamSettings settings)
    : parameters_(std::move(parameters)), settings_(settings) {
  for (const auto& parameter : parameters_) {
    UFM_CHECK(parameter.scalar_type() == at::kFloat, RuntimeError, "FusedAdam: expected float32 parameters, got ",
              parameter.scalar_type());
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
    if (!parameter.device().is_cpu() || !parameter.is_contiguous() || !gradient.is_contiguous()) {
      // Same arithmetic with tensor operations (GPU or strided memory).
      at::NoGradGuard no_grad;
      first_moment_[i].mul_(beta1).add_(gradient, one_minus_beta1);
      second_moment_[i].mul_(beta2).addcmul_(gradient, gradient, one_minus_beta2);
      at::Tensor denominator = (second_moment_[i].sqrt() * inverse_sqrt_bias_correction2).add_(epsilon);
      parameter.addcdiv_(first_moment_[i], denominator, -step_size);
      continue;
    }
    float* __restrict p = parameter.data_ptr<float>();
    const float* __restrict g = gradient.data_ptr<float>();
    float* __restrict m = first_moment_[i].data_ptr<float>();
    float* __restrict v = second_moment_[i].data_ptr<float>();
    // Chunks are large enough that the parallel overhead stays small for 10^5-element layers
    // and tiny layers (biases) run on the calling thread.
    at::parallel_for(0, parameter.numel(), 1 << 15, [&](std::int64_t begin, std::int64_t end) {
#pragma omp simd
      for (std::int64_t k = begin; k < end; ++k) {
        const float grad = g[k];
        const float m_k = beta1 * m[k] + one_minus_beta1 * grad;
        const float v_k = beta2 * v[k] + one_minus_beta2 * grad * grad;
        m[k] = m_k;
        v[k] = v_k;
        p[k] -= step_size * m_k / (std::sqrt(v_k) * inverse_sqrt_bias_correction2 + epsilon);
      }
    });
  }
}

}  // namespace ufm
