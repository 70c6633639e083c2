#include "features/pattern.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "core/error.h"

namespace ufm {
namespace {

TEST(LetterPattern, AMatchesThePaperDefinition) {
  const Pattern a = letter_pattern('A');
  EXPECT_EQ(a.rows, 5);
  EXPECT_EQ(a.cols, 5);
  EXPECT_EQ(a.to_string(), "00100/01010/11111/10001/10001");
}

TEST(LetterPattern, AllLettersAreDistinctFiveByFiveBinary) {
  std::set<std::string> seen;
  for (char c = 'A'; c <= 'Z'; ++c) {
    SCOPED_TRACE(std::string(1, c));
    const Pattern p = letter_pattern(c);
    ASSERT_EQ(p.rows, 5);
    ASSERT_EQ(p.cols, 5);
    ASSERT_EQ(p.bits.size(), 25u);
    for (auto bit : p.bits) EXPECT_TRUE(bit == 0 || bit == 1);
    EXPECT_TRUE(seen.insert(p.to_string()).second);
  }
  EXPECT_EQ(letter_pattern('q'), letter_pattern('Q'));
}

TEST(LetterPattern, RejectsNonLetters) { EXPECT_THROW(letter_pattern('7'), ConfigError); }

TEST(PatternFromMatrix, KeepsRowsInOrder) {
  const Pattern p = pattern_from_matrix({{1, 0, 1}, {0, 1, 0}});
  EXPECT_EQ(p.rows, 2);
  EXPECT_EQ(p.cols, 3);
  EXPECT_EQ(p.to_string(), "101/010");
}

TEST(PatternFromMatrix, RejectsRaggedRowsAndNonBinaryValues) {
  EXPECT_THAT([] { pattern_from_matrix({{1, 0}, {1}}); },
              testing::ThrowsMessage<ConfigError>(testing::HasSubstr("row 1 has 1 values, expected 2")));
  EXPECT_THAT([] { pattern_from_matrix({{1, 2}}); },
              testing::ThrowsMessage<ConfigError>(testing::HasSubstr("holds 2, expected only 0 or 1")));
  EXPECT_THROW(pattern_from_matrix({}), ConfigError);
}

TEST(ResolvePattern, UsesMatrixOnlyWhenAsked) {
  FeatureOptions options;
  EXPECT_EQ(resolve_pattern(options), letter_pattern('A'));
  options.pattern = "matrix";
  options.matrix = {{1, 1}, {1, 1}};
  EXPECT_EQ(resolve_pattern(options).to_string(), "11/11");
  options.pattern = "AB";
  EXPECT_THROW(options.validate(), ConfigError);
}

TEST(RandomPatches, AreReproducibleFromTheSeedAlone) {
  const auto a = random_patches(50, 5, 5, 42);
  const auto b = random_patches(50, 5, 5, 42);
  const auto c = random_patches(50, 5, 5, 43);
  ASSERT_EQ(a.size(), 50u);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  // A prefix of a longer draw is the shorter draw: the stream depends on the seed only.
  const auto longer = random_patches(60, 5, 5, 42);
  EXPECT_TRUE(std::equal(a.begin(), a.end(), longer.begin()));
}

TEST(RandomPatches, AreBernoulliHalf) {
  const auto patches = random_patches(2000, 5, 5, 1);
  double ones = 0;
  for (const auto& p : patches) {
    for (auto bit : p.bits) ones += bit;
  }
  // 50,000 fair bits: the mean is 0.5 ± 0.0022 (sd), so ±0.01 fails only for a broken stream.
  EXPECT_NEAR(ones / (2000 * 25), 0.5, 0.01);
}

}  // namespace
}  // namespace ufm
