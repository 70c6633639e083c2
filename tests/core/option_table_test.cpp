// Options declared once: the rules of a table are checked with the full key path, and the
// table is the one list of keys (nested blocks, late keys, reserved keys).
#include "core/option_table.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"

namespace ufm {
namespace {

struct Inner {
  double rate = 0.5;
  std::string mode = "a";
  std::vector<std::int64_t> widths = {4};
  std::int64_t late = -1;
};

struct Outer {
  std::string name = "x";
  Inner inner;
};

const OptionTable<Inner>& inner_table() {
  static const OptionTable<Inner> table = [] {
    OptionTable<Inner> t;
    t.add("rate", &Inner::rate, "a rate").at_least(0).below(1)
        .add("mode", &Inner::mode, "a mode").one_of({"a", "b"})
        .add("widths", &Inner::widths, "widths").non_empty("at least one width").at_least(1)
        .add_late("late", &Inner::late, "added later", std::int64_t{-1});
    return t;
  }();
  return table;
}

const OptionTable<Outer>& outer_table() {
  static const OptionTable<Outer> table = [] {
    OptionTable<Outer> t;
    t.add("name", &Outer::name, "a name").non_empty("a name").not_scientific()
        .add_block("inner", &Outer::inner, inner_table())
        .reserve("sweep");
    return t;
  }();
  return table;
}

std::string error_of(const Outer& value) {
  try {
    check_options(outer_table(), value, "");
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

TEST(OptionTable, DefaultsPassAndEachBrokenRuleNamesTheFullKeyPath) {
  Outer value;
  EXPECT_EQ(error_of(value), "");
  value.inner.rate = 1.0;
  EXPECT_EQ(error_of(value), "inner.rate: expected in [0, 1), got 1");
  value.inner.rate = std::nan("");
  EXPECT_EQ(error_of(value).rfind("inner.rate: expected in [0, 1), got", 0), 0u);  // NaN fails every bound
  value = Outer{};
  value.inner.mode = "c";
  EXPECT_EQ(error_of(value), "inner.mode: expected a | b, got 'c' (did you mean 'a'?)");
  value = Outer{};
  value.inner.widths = {};
  EXPECT_EQ(error_of(value), "inner.widths: expected at least one width, got an empty list");
  value.inner.widths = {3, 0};
  EXPECT_EQ(error_of(value), "inner.widths: expected >= 1, not empty (at least one width), got 0");
  value = Outer{};
  value.name.clear();
  EXPECT_EQ(error_of(value), "name: expected a name, got an empty string");
}

TEST(OptionTable, KeysEntriesAndFlagsAreTheDeclarations) {
  EXPECT_EQ(outer_table().keys(), (std::vector<std::string>{"name", "inner", "sweep"}));
  const auto* name = outer_table().find("name");
  ASSERT_NE(name, nullptr);
  EXPECT_FALSE(name->scientific);
  const auto* inner = outer_table().find("inner");
  ASSERT_NE(inner, nullptr);
  EXPECT_EQ(inner->block, &inner_table());
  const auto* late = inner_table().find("late");
  ASSERT_NE(late, nullptr);
  Inner value;
  EXPECT_TRUE(late->unset_in(&value));
  value.late = 3;
  EXPECT_FALSE(late->unset_in(&value));
  EXPECT_EQ(inner_table().find("rate")->rule.describe(), "in [0, 1)");
  EXPECT_EQ(outer_table().find("nothing"), nullptr);
}

TEST(OptionTable, ValueRefsPointIntoTheStruct) {
  Outer value;
  const auto* entry = outer_table().find("inner");
  void* inner = entry->block_of(&value);
  EXPECT_EQ(inner, &value.inner);
  double* rate = std::get<double*>(inner_table().find("rate")->value(inner));
  *rate = 0.25;
  EXPECT_EQ(value.inner.rate, 0.25);
}

}  // namespace
}  // namespace ufm
