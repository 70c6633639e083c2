#include "evaluation/kl.h"

#include <algorithm>
#include <cmath>

namespace ufm {
namespace {

// Keras clips before taking logs, so a zero probability costs log(1e-7), not infinity.
double clip(double p) { return std::clamp(p, kProbabilityClip, 1.0); }

}  // namespace

double kl_divergence(const float* a, const float* b, std::int64_t classes) {
  double sum = 0.0;
  for (std::int64_t k = 0; k < classes; ++k) {
    const double ak = clip(a[k]);
    sum += ak * std::log(ak / clip(b[k]));
  }
  return sum;
}

double kl_onehot(std::int64_t label, const float* p, std::int64_t classes) {
  double sum = 0.0;
  for (std::int64_t k = 0; k < classes; ++k) {
    const double qk = k == label ? 1.0 : kProbabilityClip;
    sum += qk * std::log(qk / clip(p[k]));
  }
  return sum;
}

double entropy(const float* p, std::int64_t classes) {
  double sum = 0.0;
  for (std::int64_t k = 0; k < classes; ++k) {
    const double pk = clip(p[k]);
    sum -= pk * std::log(pk);
  }
  return sum;
}

}  // namespace ufm
