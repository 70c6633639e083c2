#include "core/counter_random.h"

#include <math.h>

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
  // whole: an element's bits never depend on `first`, `count` or the thread count (each
  // element always takes the same lane of the same vector loop).
  const std::uint64_t first_task = first / kElementsPerTask;
  const std::uint64_t last_task = (wanted_end - 1) / kElementsPerTask;
  const auto tasks = static_cast<std::int64_t>(last_task - first_task + 1);
  constexpr std::uint32_t kBlocks = kElementsPerTask / 4;
  constexpr float kTwoPi = 6.28318530717958647692f;
#pragma omp parallel for schedule(static) if (tasks > 1)
  for (std::int64_t t = 0; t < tasks; ++t) {
    const std::uint64_t task = first_task + static_cast<std::uint64_t>(t);
    const std::uint64_t first_block = task * kBlocks;
    // Philox over the task's blocks, structure of arrays so the rounds vectorise.
    alignas(64) std::uint32_t w0[kBlocks], w1[kBlocks], w2[kBlocks], w3[kBlocks];
#pragma omp simd
    for (std::uint32_t b = 0; b < kBlocks; ++b) {
      const std::uint64_t block = first_block + b;
      std::uint32_t c0 = static_cast<std::uint32_t>(block), c1 = static_cast<std::uint32_t>(block >> 32), c2 = s0,
                    c3 = s1;
      philox_rounds(c0, c1, c2, c3, k0, k1);
      w0[b] = c0;
      w1[b] = c1;
      w2[b] = c2;
      w3[b] = c3;
    }
    // Box–Muller, z = sqrt(-2 ln u1) (cos, sin)(2 pi u2), over word pairs (0, 1) and (2, 3)
    // of each block, in loops of fixed length vectorised with glibc's vector math library.
    alignas(64) float cosine[2][kBlocks], sine[2][kBlocks];
    for (int pair = 0; pair < 2; ++pair) {
      const std::uint32_t* radius = pair == 0 ? w0 : w2;
      const std::uint32_t* angle = pair == 0 ? w1 : w3;
      float* c = cosine[pair];
      float* s = sine[pair];
#pragma omp simd
      for (std::uint32_t b = 0; b < kBlocks; ++b) {
        const float r = sqrtf(-2.0f * logf(open_uniform(radius[b])));
        const float theta = kTwoPi * open_uniform(angle[b]);
        c[b] = r * cosf(theta);
        s[b] = r * sinf(theta);
      }
    }
    const std::uint64_t task_first = task * kElementsPerTask;
    const std::uint64_t from = task_first > first ? task_first : first;
    const std::uint64_t to = task_first + kElementsPerTask < wanted_end ? task_first + kElementsPerTask : wanted_end;
    for (std::uint64_t e = from; e < to; ++e) {
      const std::uint64_t local = e - task_first, block = local / 4, word = local % 4;
      out[e - first] = word & 1 ? sine[word / 2][block] : cosine[word / 2][block];
    }
  }
}

}  // namespace ufm
