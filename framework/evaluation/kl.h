#pragma once
/// KL divergence and entropy of discrete distributions as the authors computed them
/// (Keras' KLDivergence: both arguments clipped to [1e-7, 1]; natural log).
#include <cstdint>

namespace ufm {

constexpr double kProbabilityClip = 1e-7;

/// KL(a‖b) = Σ_k a_k log(a_k / b_k), with a and b clipped to [1e-7, 1].
double kl_divergence(const float* a, const float* b, std::int64_t classes);

/// KL(onehot(label)‖p) with the same clipping (the one-hot's zeros become 1e-7).
double kl_onehot(std::int64_t label, const float* p, std::int64_t classes);

/// Shannon entropy −Σ p log p in nats, p clipped to [1e-7, 1].
double entropy(const float* p, std::int64_t classes);

}  // namespace ufm
