#pragma once
/// What a test needs from the machine (a tool, a dataset, a permission). Outside CI a missing
/// requirement skips the test with its reason; under CI=true (set by .ci/run) it fails with
/// that reason, so a green CI cannot hide a missing install step. A GPU is the one exception:
/// tests that need one are named *_CUDA and use GTEST_SKIP directly.
#include <gtest/gtest.h>

namespace ufm::testing {

/// True when the environment variable CI is "true" (or "1").
bool running_under_ci();

}  // namespace ufm::testing

/// Skips (outside CI) or fails (under CI=true) the current test when `condition` is false.
/// Use in a test body or in SetUp(); `reason` is streamed, e.g. "gnuplot is not on PATH".
#define UFM_REQUIRE(condition, reason)                                                     \
  do {                                                                                     \
    if (!(condition)) {                                                                    \
      if (::ufm::testing::running_under_ci()) {                                            \
        GTEST_FAIL() << "CI=true and a requirement is missing: " << reason;                \
      } else {                                                                             \
        GTEST_SKIP() << reason;                                                            \
      }                                                                                    \
    }                                                                                      \
  } while (0)
