#include "core/random_streams.h"

namespace ufm {

std::uint64_t stream_seed(std::uint64_t base, StreamPurpose purpose, std::int64_t key1, std::int64_t key2) {
  // SplitMix64 finaliser applied in a chain: a bijective mix per input, so distinct
  // (base, purpose, key1, key2) give seeds with no visible relation.
  auto mix = [](std::uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  std::uint64_t h = mix(base);
  h = mix(h ^ static_cast<std::uint64_t>(purpose));
  h = mix(h ^ static_cast<std::uint64_t>(key1));
  return mix(h ^ static_cast<std::uint64_t>(key2));
}

}  // namespace ufm
