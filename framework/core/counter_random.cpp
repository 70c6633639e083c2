#include "core/counter_random.h"

#include <cmath>

namespace ufm {
namespace {

// Salmon et al. 2011, §3.3: the Philox4x32 multipliers and the Weyl increments of the key.
constexpr std::uint32_t kMultiplier0 = 0xD2511F53u;
constexpr std::uint32_t kMultiplier1 = 0xCD9E8D57u;
constexpr std::uint32_t kWeyl0 = 0x9E3779B9u;
constexpr std::uint32_t kWeyl1 = 0xBB67AE85u;
constexpr int kRounds = 10;

inline void philox_rounds(std::uint32_t& c0, std::uint32_t& c1, std::uint32_t& c2, std::uint32_t& c3,
                          std::uint32_t k0, std::uint32_t k1) {
  for (int round = 0; round < kRounds; ++round) {
    const std::uint64_t p0 = static_cast<std::uint64_t>(kMultiplier0) * c0;
    const std::uint64_t p1 = static_cast<std::uint64_t>(kMultiplier1) * c2;
    const auto hi0 = static_cast<std::uint32_t>(p0 >> 32), lo0 = static_cast<std::uint32_t>(p0);
    const auto hi1 = static_cast<std::uint32_t>(p1 >> 32), lo1 = static_cast<std::uint32_t>(p1);
    const std::uint32_t n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
    c0 = n0;
    c1 = lo1;
    c2 = n2;
    c3 = lo0;
    k0 += kWeyl0;
    k1 += kWeyl1;
  }
}

// A 32-bit word as a uniform in (0, 1): never 0, so the logarithm below is finite.
inline float open_uniform(std::uint32_t word) {
  return (static_cast<float>(word >> 8) + 0.5f) * (1.0f / 16777216.0f);
}

constexpr std::uint64_t kElementsPerTask = 4096;  // the unit of thread work

}  // namespace

std::array<std::uint32_t, 4> philox4x32(std::array<std::uint32_t, 4> counter, std::array<std::uint32_t, 2> key) {
  philox_rounds(counter[0], counter[1], counter[2], counter[3], key[0], key[1]);
  return counter;
}

void standard_normals(std::uint64_t key, std::uint64_t stream, std::uint64_t first, float* out, std::int64_t count) {
  if (count <= 0) return;
  const auto k0 = static_cast<std::uint32_t>(key), k1 = static_cast<std::uint32_t>(key >> 32);
  const auto s0 = static_cast<std::uint32_t>(stream), s1 = static_cast<std::uint32_t>(stream >> 32);
  const std::uint64_t wanted_end = first + static_cast<std::uint64_t>(count);
  // Tasks are fixed runs of kElementsPerTask elements counted from element 0, computed
  // whole: an element's bits never depend on `first`, `count` or the thread count.
  const std::uint64_t first_task = first / kElementsPerTask;
  const std::uint64_t last_task = (wanted_end - 1) / kElementsPerTask;
  const auto tasks = static_cast<std::int64_t>(last_task - first_task + 1);
  constexpr float kTwoPi = 6.28318530717958647692f;
#pragma omp parallel for schedule(static) if (tasks > 1)
  for (std::int64_t t = 0; t < tasks; ++t) {
    const std::uint64_t task = first_task + static_cast<std::uint64_t>(t);
    alignas(64) float values[kElementsPerTask];
    alignas(64) float radius[kElementsPerTask / 2], angle[kElementsPerTask / 2];
    for (std::uint64_t b = 0; b < kElementsPerTask / 4; ++b) {
      const std::uint64_t block = task * (kElementsPerTask / 4) + b;
      std::uint32_t c0 = static_cast<std::uint32_t>(block), c1 = static_cast<std::uint32_t>(block >> 32), c2 = s0,
                    c3 = s1;
      philox_rounds(c0, c1, c2, c3, k0, k1);
      radius[2 * b] = open_uniform(c0);
      angle[2 * b] = open_uniform(c1);
      radius[2 * b + 1] = open_uniform(c2);
      angle[2 * b + 1] = open_uniform(c3);
    }
    // Box–Muller over the whole task in one loop of fixed length (vectorised with the
    // vector math library): z = sqrt(-2 ln u1) (cos, sin)(2 pi u2).
#pragma omp simd
    for (std::uint64_t i = 0; i < kElementsPerTask / 2; ++i) {
      const float r = std::sqrt(-2.0f * std::log(radius[i]));
      const float theta = kTwoPi * angle[i];
      values[2 * i] = r * std::cos(theta);
      values[2 * i + 1] = r * std::sin(theta);
    }
    const std::uint64_t task_first = task * kElementsPerTask;
    const std::uint64_t from = task_first > first ? task_first : first;
    const std::uint64_t to = task_first + kElementsPerTask < wanted_end ? task_first + kElementsPerTask : wanted_end;
    for (std::uint64_t e = from; e < to; ++e) out[e - first] = values[e - task_first];
  }
}

}  // namespace ufm
