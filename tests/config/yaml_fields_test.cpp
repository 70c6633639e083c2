#include "config/yaml_fields.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

namespace ufm::yaml_fields {
namespace {

template <typename T>
T read(const std::string& yaml) {
  T value{};
  read_value(YAML::Load(yaml), value, "x.yaml", "block.key");
  return value;
}

template <typename T>
std::string read_error(const std::string& yaml) {
  try {
    read<T>(yaml);
  } catch (const ConfigError& error) {
    return error.what();
  }
  ADD_FAILURE() << "no ConfigError for '" << yaml << "'";
  return "";
}

template <typename T>
std::string write(const T& value) {
  YAML::Emitter out;
  write_value(out, value);
  return out.c_str();
}

TEST(YamlFieldsIntegers, ReadDecimalIntegersOfEitherSign) {
  EXPECT_EQ(read<int>("-12"), -12);
  EXPECT_EQ(read<std::int64_t>("+9000000000"), 9000000000LL);
  EXPECT_EQ(read<std::uint64_t>("18446744073709551615"), std::numeric_limits<std::uint64_t>::max());
}

TEST(YamlFieldsIntegers, RejectFractionsWordsAndQuotedNumbers) {
  EXPECT_EQ(read_error<std::int64_t>("ten"), "x.yaml: block.key: expected an integer, got 'ten'");
  EXPECT_EQ(read_error<std::int64_t>("2.5"), "x.yaml: block.key: expected an integer, got '2.5'");
  EXPECT_EQ(read_error<int>("1e3"), "x.yaml: block.key: expected an integer, got '1e3'");
  EXPECT_EQ(read_error<int>("'10'"), "x.yaml: block.key: expected an integer, got the string '10'");
  EXPECT_EQ(read_error<int>("[1]"), "x.yaml: block.key: expected an integer, got a list");
  EXPECT_EQ(read_error<int>("~"), "x.yaml: block.key: expected an integer, got nothing");
}

TEST(YamlFieldsIntegers, RejectValuesOutsideTheType) {
  EXPECT_NE(read_error<int>("3000000000").find("expected an integer in [-2147483648, 2147483647]"),
            std::string::npos);
  EXPECT_EQ(read_error<std::uint64_t>("-1"), "x.yaml: block.key: expected a non-negative integer, got '-1'");
  EXPECT_NE(read_error<std::uint64_t>("18446744073709551616").find("below 2^64"), std::string::npos);
}

TEST(YamlFieldsBool, AcceptsOnlyTrueAndFalse) {
  EXPECT_TRUE(read<bool>("true"));
  EXPECT_FALSE(read<bool>("False"));
  EXPECT_EQ(read_error<bool>("yes"), "x.yaml: block.key: expected true or false, got 'yes'");
  EXPECT_EQ(read_error<bool>("1"), "x.yaml: block.key: expected true or false, got '1'");
}

TEST(YamlFieldsDouble, ReadsNumbersIntegersAndYamlSpecials) {
  EXPECT_EQ(read<double>("3e-4"), 3e-4);
  EXPECT_EQ(read<double>("2"), 2.0);
  EXPECT_TRUE(std::isnan(read<double>(".nan")));
  EXPECT_EQ(read<double>("-.inf"), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(read_error<double>("fast"), "x.yaml: block.key: expected a number, got 'fast'");
  EXPECT_EQ(read_error<double>("inf"), "x.yaml: block.key: expected a number, got 'inf'");
  EXPECT_EQ(read_error<double>("0x10"), "x.yaml: block.key: expected a number, got '0x10'");
}

TEST(YamlFieldsDouble, FormatIsShortestExactRoundTrip) {
  EXPECT_EQ(format_double(3e-4), "0.0003");
  EXPECT_EQ(format_double(0.9), "0.9");
  EXPECT_EQ(format_double(100.0), "100");
  EXPECT_EQ(format_double(1e-7), "1.0e-07");  // a float for YAML 1.1 readers too
  EXPECT_EQ(format_double(2.5e-7), "2.5e-07");
  for (double value : {0.1 + 0.2, 1.0 / 3.0, 1e-300, 123456789.125, -2.5e17, 5e-324}) {
    const std::string text = format_double(value);
    EXPECT_EQ(std::strtod(text.c_str(), nullptr), value) << text;
  }
}

TEST(YamlFieldsLists, ReadNestedListsWithIndexedPaths) {
  EXPECT_EQ(read<std::vector<std::int64_t>>("[1, 2, 3]"), (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_TRUE(read<std::vector<std::int64_t>>("~").empty());
  EXPECT_EQ(read<std::vector<std::vector<int>>>("[[0, 1], [1, 0]]"),
            (std::vector<std::vector<int>>{{0, 1}, {1, 0}}));
  EXPECT_EQ(read_error<std::vector<std::vector<int>>>("[[0, 1], [1, x]]"),
            "x.yaml: block.key[1][1]: expected an integer, got 'x'");
  EXPECT_EQ(read_error<std::vector<std::int64_t>>("512"),
            "x.yaml: block.key: expected a list of integers, got '512'");
}

TEST(YamlFieldsStrings, ReadAnyScalarAndNothingAsEmpty) {
  EXPECT_EQ(read<std::string>("adam"), "adam");
  EXPECT_EQ(read<std::string>("~"), "");
  EXPECT_EQ(read_error<std::string>("{a: 1}"), "x.yaml: block.key: expected a string, got a map");
}

TEST(YamlFieldsStrings, WriteQuotesStringsThatWouldReadAsAnotherType) {
  EXPECT_EQ(write(std::string("adam")), "adam");
  for (const std::string value : {"", "null", "~", "true", "no", "12", "1e5", "a: b", "#x"}) {
    const std::string text = write(value);
    EXPECT_EQ(text.front(), '"') << value;
    const YAML::Node node = YAML::Load(text);
    EXPECT_EQ(node.Scalar(), value);
    EXPECT_EQ(node.Tag(), "!");
  }
}

TEST(YamlFieldsLists, WriteInFlowStyle) {
  EXPECT_EQ(write(std::vector<std::int64_t>{512, 256}), "[512, 256]");
  EXPECT_EQ(write(std::vector<std::int64_t>{}), "[]");
  EXPECT_EQ(write(std::vector<std::vector<int>>{{0, 1}, {1, 0}}), "[[0, 1], [1, 0]]");
}

TEST(YamlFieldsErrors, FailLeavesOutEmptyParts) {
  try {
    fail("src", "", "message");
    FAIL();
  } catch (const ConfigError& error) {
    EXPECT_STREQ(error.what(), "src: message");
  }
}

}  // namespace
}  // namespace ufm::yaml_fields
