// What every result records to be reproduced: the thread count in force, the BLAS that
// LibTorch calls, versions, and a UTC timestamp.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

#include "runtime/runtime_info.h"

namespace ufm {
namespace {

using ::testing::HasSubstr;

TEST(RuntimeInfo, RecordsTheThreadCountSetAndTheLibraries) {
  const int before = set_thread_count(1);
  (void)before;
  const RuntimeInfo info = collect_runtime_info("cpu");
  EXPECT_EQ(info.threads, 1);
  EXPECT_FALSE(info.libtorch_version.empty());
  EXPECT_FALSE(info.blas.empty());
  EXPECT_FALSE(info.ufm_version.empty());
  EXPECT_EQ(info.device, "cpu");
  EXPECT_THAT(describe(info), HasSubstr("1 thread"));
  set_thread_count(2);
  EXPECT_EQ(collect_runtime_info().threads, 2);
}

TEST(RuntimeInfo, ZeroThreadsMeansEveryCore) {
  set_thread_count(0);
  EXPECT_EQ(collect_runtime_info().threads, hardware_cores());
  set_thread_count(2);
}

TEST(UtcTimestamp, IsIso8601InUtc) {
  EXPECT_TRUE(std::regex_match(utc_timestamp(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)")))
      << utc_timestamp();
}

}  // namespace
}  // namespace ufm
