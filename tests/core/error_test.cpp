// UFM_CHECK: throws the named kind with the message parts concatenated, and only when
// the condition fails (it stays in release builds, unlike assert).
#include <gtest/gtest.h>

#include "core/error.h"

namespace ufm {
namespace {

TEST(UfmCheck, ThrowsTheNamedKindWithTheConcatenatedMessage) {
  try {
    UFM_CHECK(1 + 1 == 3, DataError, "file ", "x.idx", ": expected ", 784, " pixels");
    FAIL() << "did not throw";
  } catch (const DataError& error) {
    EXPECT_STREQ(error.what(), "file x.idx: expected 784 pixels");
    EXPECT_EQ(error.kind(), ErrorKind::kData);
    EXPECT_STREQ(error.kind_name(), "data");
  }
}

TEST(UfmCheck, DoesNothingWhenTheConditionHolds) {
  int evaluated = 0;
  EXPECT_NO_THROW(UFM_CHECK(++evaluated == 1, ConfigError, "never"));
  EXPECT_EQ(evaluated, 1);  // the condition is evaluated exactly once
}

TEST(ErrorKinds, HaveTheirOneWordNames) {
  EXPECT_STREQ(ConfigError("m").kind_name(), "config");
  EXPECT_STREQ(StorageError("m").kind_name(), "storage");
  EXPECT_STREQ(RuntimeError("m").kind_name(), "runtime");
}

}  // namespace
}  // namespace ufm
