#include "storage/run_record.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace ufm {
namespace {

TEST(ArrayData, ScalarHasNoShapeAndOneElement) {
  ArrayData scalar = ArrayData::scalar(2.5);
  EXPECT_TRUE(scalar.shape.empty());
  EXPECT_EQ(scalar.axes, "");
  EXPECT_EQ(scalar.element_count(), 1);
  EXPECT_EQ(scalar.as_doubles(), std::vector<double>{2.5});
}

TEST(ArrayData, VectorNamesItsAxisAndCountsItsValues) {
  ArrayData vector = ArrayData::vector({1, 2, 3}, "epoch");
  EXPECT_EQ(vector.shape, std::vector<std::int64_t>{3});
  EXPECT_EQ(vector.axes, "epoch");
  EXPECT_EQ(vector.element_count(), 3);
}

TEST(ArrayData, EmptyExtentHasZeroElements) {
  ArrayData empty = ArrayData::vector({}, "epoch");
  EXPECT_EQ(empty.element_count(), 0);
  EXPECT_TRUE(empty.as_doubles().empty());
}

TEST(ArrayData, AsDoublesConvertsEveryStoredType) {
  ArrayData array;
  array.shape = {2};
  array.axes = "x";
  array.values = std::vector<float>{0.5f, -1.0f};
  EXPECT_EQ(array.as_doubles(), (std::vector<double>{0.5, -1.0}));
  array.values = std::vector<std::int64_t>{7, -3};
  EXPECT_EQ(array.as_doubles(), (std::vector<double>{7, -3}));
}

TEST(RunRecord, TypedGettersReturnStoredValues) {
  RunRecord run;
  run.identity = "r";
  run.attributes["seed"] = std::int64_t{42};
  run.attributes["rate"] = 0.125;
  run.attributes["name"] = std::string("mlp");
  EXPECT_EQ(run.int_attribute("seed"), 42);
  EXPECT_EQ(run.double_attribute("rate"), 0.125);
  EXPECT_EQ(run.string_attribute("name"), "mlp");
  EXPECT_TRUE(run.has_attribute("seed"));
  EXPECT_FALSE(run.has_attribute("missing"));
}

TEST(RunRecord, TypedGettersNameRunAndAttributeOnMismatch) {
  RunRecord run;
  run.identity = "abc123";
  run.attributes["seed"] = std::int64_t{42};
  try {
    run.double_attribute("seed");
    FAIL() << "expected StorageError";
  } catch (const StorageError& error) {
    EXPECT_NE(std::string(error.what()).find("abc123"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("seed"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("int64"), std::string::npos) << error.what();
  }
  EXPECT_THROW(run.string_attribute("missing"), StorageError);
}

TEST(RunRecord, ArrayLookupThrowsForMissingPath) {
  RunRecord run;
  run.identity = "r";
  run.arrays["scores/M"] = ArrayData::scalar(1.0);
  EXPECT_TRUE(run.has_array("scores/M"));
  EXPECT_EQ(run.array("scores/M").as_doubles()[0], 1.0);
  EXPECT_FALSE(run.has_array("scores/M2"));
  EXPECT_THROW(run.array("scores/M2"), StorageError);
}

}  // namespace
}  // namespace ufm
