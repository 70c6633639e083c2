#pragma once
/// Named random streams (no Torch): every kind of draw — features, candidates, patches,
/// training draws of an own-noise reference, one-run audits, unlearning — comes from its own
/// generator, seeded from the user's seed, the purpose and up to two keys.
#include <cstdint>

namespace ufm {

/// Named random streams: each purpose draws from its own generator whose seed mixes the
/// user's seed, the purpose and up to two keys (pair, draw), so that adding draws of one
/// kind never moves another.
enum class StreamPurpose : std::uint64_t {
  kFeature = 1, kDecoy = 2, kCandidates = 3, kPatches = 4, kTrainingDraws = 5,
  kOneRunImages = 6, kOneRunCoins = 7, kUnlearning = 8
};

/// SplitMix64 mix of (base, purpose, key1, key2); different arguments give unrelated seeds.
std::uint64_t stream_seed(std::uint64_t base, StreamPurpose purpose, std::int64_t key1, std::int64_t key2 = 0);

}  // namespace ufm
