// Random features, decoys, named streams and candidate spaces (issue 8).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "core/error.h"
#include "features/pattern.h"

namespace ufm {
namespace {

using ::testing::HasSubstr;

std::string config_error(const std::function<void()>& action) {
  try {
    action();
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "no ConfigError";
}

FeatureOptions random_feature(std::uint64_t seed = 7) {
  FeatureOptions options;
  options.pattern = "random";
  options.seed = seed;
  return options;
}

TEST(RandomFeature, EachPairDrawsItsOwnReproduciblePattern) {
  const FeatureOptions options = random_feature();
  std::set<std::string> seen;
  for (std::int64_t pair = 0; pair < 20; ++pair) {
    const Pattern feature = feature_for_pair(options, pair);
    EXPECT_EQ(feature.rows, 5);
    EXPECT_EQ(feature.cols, 5);
    EXPECT_EQ(feature, feature_for_pair(options, pair));
    seen.insert(feature.to_string());
  }
  EXPECT_EQ(seen.size(), 20u);
  EXPECT_FALSE(feature_for_pair(options, 3) == feature_for_pair(random_feature(8), 3));
}

TEST(RandomFeature, SizeSetsTheSideAndValidationAcceptsRandom) {
  FeatureOptions options = random_feature();
  options.size = 3;
  EXPECT_NO_THROW(options.validate());
  const Pattern feature = feature_for_pair(options, 0);
  EXPECT_EQ(feature.rows, 3);
  EXPECT_EQ(feature.bits.size(), 9u);
  options.size = 0;
  EXPECT_THAT(config_error([&] { options.validate(); }), HasSubstr("feature.size"));
}

TEST(RandomFeature, ALetterIsTheSameForEveryPair) {
  FeatureOptions options;
  EXPECT_EQ(feature_for_pair(options, 0), letter_pattern('A'));
  EXPECT_EQ(feature_for_pair(options, 5), letter_pattern('A'));
}

TEST(Decoy, DiffersFromTheTestedFeatureAndHasItsShape) {
  const FeatureOptions options = random_feature();
  int equal = 0;
  for (std::int64_t pair = 0; pair < 50; ++pair) {
    const Pattern decoy = decoy_for_pair(options, pair);
    const Pattern feature = feature_for_pair(options, pair);
    EXPECT_EQ(decoy.rows, feature.rows);
    EXPECT_EQ(decoy.cols, feature.cols);
    equal += decoy == feature ? 1 : 0;
  }
  EXPECT_EQ(equal, 0);
}

TEST(StreamSeed, PurposesAndKeysGiveDistinctSeeds) {
  std::set<std::uint64_t> seeds;
  for (auto purpose : {StreamPurpose::kFeature, StreamPurpose::kDecoy, StreamPurpose::kCandidates}) {
    for (std::int64_t k = 0; k < 10; ++k) {
      for (std::int64_t d = 0; d < 3; ++d) seeds.insert(stream_seed(0, purpose, k, d));
    }
  }
  EXPECT_EQ(seeds.size(), 90u);
}

TEST(PatchStreamSeed, TheFirstDrawOfTheSharedProtocolIsThePatchSeedItself) {
  EXPECT_EQ(patch_stream_seed(42, 0, 0), 42u);
  EXPECT_EQ(patch_stream_seed(42, -1, 0), 42u);
  EXPECT_NE(patch_stream_seed(42, 0, 1), 42u);
  EXPECT_NE(patch_stream_seed(42, 1, 0), patch_stream_seed(42, 0, 1));
}

TEST(CandidatePatterns, RandomSpaceDrawsCPatternsOfTheFeatureShapePerPair) {
  const Pattern feature = feature_for_pair(random_feature(), 0);
  const auto a = candidate_patterns(CandidateSpace::kRandom, 999, {}, feature, 3, 0);
  ASSERT_EQ(a.size(), 999u);
  for (const auto& candidate : a) {
    EXPECT_EQ(candidate.rows, 5);
    EXPECT_EQ(candidate.cols, 5);
  }
  EXPECT_EQ(a, candidate_patterns(CandidateSpace::kRandom, 999, {}, feature, 3, 0));
  EXPECT_FALSE(a == candidate_patterns(CandidateSpace::kRandom, 999, {}, feature, 3, 1));
  // Candidates follow Bernoulli(0.5): about half the bits are set.
  double ones = 0;
  for (const auto& candidate : a) {
    for (auto bit : candidate.bits) ones += bit;
  }
  EXPECT_NEAR(ones / (999.0 * 25.0), 0.5, 0.02);
}

TEST(CandidatePatterns, LettersAreTheOther25Letters) {
  const auto letters = candidate_patterns(CandidateSpace::kLetters, 999, {}, letter_pattern('A'), 0, 0);
  ASSERT_EQ(letters.size(), 25u);
  for (const auto& letter : letters) EXPECT_FALSE(letter == letter_pattern('A'));
  EXPECT_EQ(candidate_patterns(CandidateSpace::kLetters, 1, {}, feature_for_pair(random_feature(), 0), 0, 0).size(), 26u);
}

TEST(CandidatePatterns, ListEntriesAreRowMajorAndTheFeatureIsLeftOut) {
  const Pattern a = letter_pattern('A');
  std::vector<int> a_bits(a.bits.begin(), a.bits.end());
  std::vector<int> ones(25, 1);
  const auto list = candidate_patterns(CandidateSpace::kList, 0, {a_bits, ones}, a, 0, 0);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list.front().to_string(), "11111/11111/11111/11111/11111");
}

TEST(CandidatePatterns, BadInputNamesTheSetting) {
  const Pattern a = letter_pattern('A');
  EXPECT_THAT(config_error([&] { candidate_patterns(CandidateSpace::kRandom, 0, {}, a, 0, 0); }),
              HasSubstr("evaluation.candidates: expected >= 1 candidate, got 0"));
  EXPECT_THAT(config_error([&] { candidate_patterns(CandidateSpace::kList, 0, {std::vector<int>(24, 0)}, a, 0, 0); }),
              HasSubstr("evaluation.candidate_list: candidate 0 has 24 values, expected 25"));
  EXPECT_THAT(config_error([&] { candidate_patterns(CandidateSpace::kList, 0, {std::vector<int>(25, 2)}, a, 0, 0); }),
              HasSubstr("evaluation.candidate_list: candidate 0 holds 2"));
  FeatureOptions small = random_feature();
  small.size = 4;
  EXPECT_THAT(config_error([&] { candidate_patterns(CandidateSpace::kLetters, 0, {}, feature_for_pair(small, 0), 0, 0); }),
              HasSubstr("evaluation.candidate_space: the letters are 5x5"));
}

}  // namespace
}  // namespace ufm
