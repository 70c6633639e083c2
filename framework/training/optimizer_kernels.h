#pragma once
/// The per-element arithmetic of Adam and SGD (training/adam.h), applied to each model's
/// slice of a stacked parameter, so that a model trained alone (K = 1) and the same model
/// trained in a batch are updated by the very same code.
#include <ATen/Tensor.h>

#include <cstdint>

#include "training/adam.h"

namespace ufm {

/// Everything an Adam update of one tensor needs besides its arrays.
struct AdamConstants {
  float beta1, beta2, one_minus_beta1, one_minus_beta2;
  float step_size;                      ///< lr / (1 − β1^t)
  float inverse_sqrt_bias_correction2;  ///< 1 / sqrt(1 − β2^t)
  float epsilon;
  float l2;      ///< rate of L2 weight decay added to the gradient (0 = none)
  float shrink;  ///< decoupled decay factor 1 − lr·rate (1 = none)
};

/// The constants of update number `step` (1-based); `decays` says whether weight decay
/// applies to this tensor.
AdamConstants adam_constants(const AdamSettings& settings, std::int64_t step, bool decays);

/// Updates n floats in one pass (split over threads for large n).
void adam_kernel(float* p, const float* g, float* m, float* v, std::int64_t n, const AdamConstants& c);

/// The same arithmetic as tensor operations (GPU or strided tensors).
void adam_tensor_update(at::Tensor& parameter, const at::Tensor& gradient, at::Tensor& first_moment,
                        at::Tensor& second_moment, const AdamConstants& c);

struct SgdConstants {
  float learning_rate, momentum, l2, shrink;
};

SgdConstants sgd_constants(const SgdSettings& settings, bool decays);
void sgd_kernel(float* p, const float* g, float* velocity, std::int64_t n, const SgdConstants& c);
void sgd_tensor_update(at::Tensor& parameter, const at::Tensor& gradient, at::Tensor& velocity, const SgdConstants& c);

/// Weight decay applies to weight matrices and kernels: tensors of 2+ dimensions per model.
inline bool decays(std::int64_t dims_per_model, const WeightDecay& decay) { return decay.rate > 0 && dims_per_model >= 2; }

/// True when the fused loop can run over the tensor's memory (contiguous CPU float).
bool fusable(const at::Tensor& parameter, const at::Tensor& gradient);

}  // namespace ufm
