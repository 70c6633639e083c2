#include "core/counter_random.h"

#include <ATen/Parallel.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

namespace ufm {
namespace {

// Property: the generator is Philox4x32-10 exactly, on Random123's known-answer vectors
// (tests/kat_vectors of github.com/DEShawResearch/random123: counter, key, result).
TEST(Philox, MatchesRandom123KnownAnswers) {
  EXPECT_EQ(philox4x32({0, 0, 0, 0}, {0, 0}), (std::array<std::uint32_t, 4>{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}));
  EXPECT_EQ(philox4x32({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff}),
            (std::array<std::uint32_t, 4>{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}));
  EXPECT_EQ(philox4x32({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0}),
            (std::array<std::uint32_t, 4>{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}));
}

std::vector<float> normals(std::uint64_t key, std::uint64_t stream, std::uint64_t first, std::int64_t count) {
  std::vector<float> out(static_cast<std::size_t>(count));
  standard_normals(key, stream, first, out.data(), count);
  return out;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// Property: draws have mean 0, variance 1 and normal tails (within 5 standard errors over
// 2^21 draws), and different keys or streams give unrelated draws.
TEST(StandardNormals, HaveTheStatedMomentsAndTails) {
  const std::int64_t n = std::int64_t{1} << 21;
  const auto z = normals(7, 3, 0, n);
  double sum = 0, squares = 0, fourth = 0;
  std::int64_t beyond2 = 0;
  for (float v : z) {
    ASSERT_TRUE(std::isfinite(v));
    sum += v;
    squares += double(v) * v;
    fourth += double(v) * v * v * v;
    beyond2 += std::fabs(v) > 2.0f;
  }
  const double mean = sum / n, variance = squares / n - mean * mean;
  EXPECT_NEAR(mean, 0.0, 5.0 / std::sqrt(double(n)));
  EXPECT_NEAR(variance, 1.0, 5.0 * std::sqrt(2.0 / n));
  EXPECT_NEAR(fourth / n, 3.0, 5.0 * std::sqrt(96.0 / n));
  const double tail = 0.0455002638963584;  // P(|Z| > 2)
  EXPECT_NEAR(double(beyond2) / n, tail, 5.0 * std::sqrt(tail * (1 - tail) / n));
  // Another key and another stream: correlation near 0.
  const auto other_key = normals(8, 3, 0, n), other_stream = normals(7, 4, 0, n);
  double c1 = 0, c2 = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    c1 += double(z[i]) * other_key[i];
    c2 += double(z[i]) * other_stream[i];
  }
  EXPECT_NEAR(c1 / n, 0.0, 5.0 / std::sqrt(double(n)));
  EXPECT_NEAR(c2 / n, 0.0, 5.0 / std::sqrt(double(n)));
}

// Property: an element's bits are a function of (key, stream, index) alone: the same at 1
// and 2 threads, and the same when read from any offset in any length.
TEST(StandardNormals, BitsDependOnlyOnTheIndex) {
  const std::int64_t n = 3 * 4096 + 1001;
  const int threads = at::get_num_threads();
  at::set_num_threads(1);
  const auto one = normals(11, 5, 0, n);
  at::set_num_threads(2);
  const auto two = normals(11, 5, 0, n);
  at::set_num_threads(threads);
  EXPECT_TRUE(same_bits(one, two));
  for (std::uint64_t first : {1u, 3u, 4095u, 4096u, 5000u}) {
    const auto part = normals(11, 5, first, 2000);
    EXPECT_TRUE(same_bits(part, std::vector<float>(one.begin() + first, one.begin() + first + 2000))) << first;
  }
}

}  // namespace
}  // namespace ufm
