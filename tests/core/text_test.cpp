// String helpers behind error suggestions, run identities and report numbers.
#include <gtest/gtest.h>

#include <cmath>

#include "core/text.h"

namespace ufm {
namespace {

TEST(EditDistance, CountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("patience", "patinece"), 2u);
  EXPECT_EQ(edit_distance("abc", "abc"), 0u);
}

TEST(Nearest, PicksTheClosestCandidateOrNothing) {
  EXPECT_EQ(nearest("learning_rat", {"batch_size", "learning_rate", "seed"}), "learning_rate");
  EXPECT_EQ(nearest("x", {}), "");
}

TEST(JoinAndSplit, SplitKeepsEmptyFieldsAndJoinInvertsIt) {
  EXPECT_EQ(split("a,,b,", ','), (std::vector<std::string>{"a", "", "b", ""}));
  EXPECT_EQ(join({"a", "", "b", ""}, ","), "a,,b,");
  EXPECT_EQ(join({"x", "y"}), "x, y");
  EXPECT_EQ(join({}), "");
}

TEST(FormatNumber, UsesSignificantDigitsAndSpellsNan) {
  EXPECT_EQ(format_number(0.123456), "0.1235");
  EXPECT_EQ(format_number(1234.5678, 2), "1.2e+03");
  EXPECT_EQ(format_number(std::nan("")), "nan");
}

// Reference values of 64-bit FNV-1a (offset basis 14695981039346656037, prime 1099511628211).
TEST(Fnv1aHex, MatchesTheReferenceHashAndHasSixteenHexDigits) {
  EXPECT_EQ(fnv1a_hex(""), "cbf29ce484222325");
  EXPECT_EQ(fnv1a_hex("a"), "af63dc4c8601ec8c");
  EXPECT_EQ(fnv1a_hex("foobar"), "85944171f73967e8");
  EXPECT_NE(fnv1a_hex("seed: 1"), fnv1a_hex("seed: 2"));
}

}  // namespace
}  // namespace ufm
