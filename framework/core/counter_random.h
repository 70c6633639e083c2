#pragma once
/// Counter-based random numbers: each draw is a pure function of (key, stream, index), so
/// draws can be made in any order, split over any number of threads, and give the same
/// bits (Salmon, Moraes, Dror, Shaw 2011, "Parallel random numbers: as easy as 1, 2, 3",
/// SC'11: the Philox4x32-10 generator). Private training's noise comes from here, keyed by
/// (model's noise key, step, element of the model's parameters).
#include <array>
#include <cstdint>

namespace ufm {

/// Philox4x32-10 (Salmon et al. 2011, Fig. 2 and §3.3): 10 rounds of the multiply-and-
/// xor bijection over a 128-bit counter under a 64-bit key, with the Weyl key schedule.
std::array<std::uint32_t, 4> philox4x32(std::array<std::uint32_t, 4> counter, std::array<std::uint32_t, 2> key);

/// out[j] = Z(key, stream, first + j) for j < count, standard normal float32. Element e
/// comes from Philox block e / 4 under counter (e/4 low, e/4 high, stream low, stream
/// high): its four 32-bit words are two Box–Muller pairs (Box & Muller 1958), word pair
/// (0, 1) giving elements 4b, 4b + 1 and (2, 3) giving 4b + 2, 4b + 3. The work is split
/// into fixed runs of 4096 elements counted from element 0, each computed whole, over
/// OpenMP threads: an element's bits depend neither on the thread count nor on `first`
/// and `count` (tests/core/counter_random_test.cpp). They may differ between builds for
/// other instruction sets (the vector math library's rounding).
void standard_normals(std::uint64_t key, std::uint64_t stream, std::uint64_t first, float* out, std::int64_t count);

}  // namespace ufm
