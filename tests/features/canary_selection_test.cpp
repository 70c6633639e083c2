#include "features/canary_selection.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/error.h"

namespace ufm {
namespace {

TEST(NumpyLegacyRandint, ReproducesTheAuthorsCanaryIndices) {
  // numpy.random.RandomState(123).randint(0, 60000, 10), as listed in science.md.
  const std::vector<std::int64_t> expected = {52734, 15725, 28030, 17730, 54370,
                                              15377, 7763,  46203, 58937, 23766};
  EXPECT_EQ(numpy_legacy_randint(123, 60000, 10), expected);
}

TEST(NumpyLegacyRandint, StaysInRangeForSmallRanges) {
  for (auto value : numpy_legacy_randint(5, 3, 200)) {
    EXPECT_GE(value, 0);
    EXPECT_LT(value, 3);
  }
  EXPECT_EQ(numpy_legacy_randint(5, 1, 3), (std::vector<std::int64_t>{0, 0, 0}));
}

TEST(SelectCanaries, RandomUsesSeedAndTrainingSize) {
  CanaryOptions options;
  options.count = 3;
  EXPECT_EQ(select_canaries(options, 60000), (std::vector<std::int64_t>{52734, 15725, 28030}));
}

TEST(SelectCanaries, ListIsCheckedAgainstTheTrainingSet) {
  CanaryOptions options;
  options.select = CanarySelect::kList;
  options.indices = {0, 99};
  EXPECT_EQ(select_canaries(options, 100), options.indices);
  options.indices = {100};
  EXPECT_THROW(select_canaries(options, 100), ConfigError);
}

}  // namespace
}  // namespace ufm

namespace ufm {
namespace {

TEST(OrderWithMovedExample, MovesWithoutDuplicatingOrDropping) {
  const auto order = order_with_moved_example(10, 7, 2);
  EXPECT_EQ(order, (std::vector<std::int64_t>{0, 1, 7, 2, 3, 4, 5, 6, 8, 9}));
  auto sorted = order;
  std::sort(sorted.begin(), sorted.end());
  for (std::int64_t i = 0; i < 10; ++i) EXPECT_EQ(sorted[static_cast<std::size_t>(i)], i);
  EXPECT_EQ(order_with_moved_example(5, 0, 4), (std::vector<std::int64_t>{1, 2, 3, 4, 0}));
  EXPECT_THROW(order_with_moved_example(5, 0, 5), ConfigError);
}

TEST(CanarySelection, TheFourReferenceChosenSelectionsAreTheOnesThatNeedInfluence) {
  for (CanarySelect select : {CanarySelect::kMostInfluential, CanarySelect::kLeastInfluential, CanarySelect::kHardest,
                              CanarySelect::kEasiest}) {
    EXPECT_TRUE(chosen_by_influence(select)) << select;
  }
  EXPECT_FALSE(chosen_by_influence(CanarySelect::kRandom));
  EXPECT_FALSE(chosen_by_influence(CanarySelect::kList));
}

}  // namespace
}  // namespace ufm
