// Under CI=true a missing requirement fails instead of skipping (tests/support/requirements.h).
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "support/requirements.h"

namespace ufm {
namespace {

TEST(RunningUnderCi, FollowsTheCiEnvironmentVariable) {
  const char* saved = std::getenv("CI");
  const std::string previous = saved ? saved : "";
  setenv("CI", "true", 1);
  EXPECT_TRUE(testing::running_under_ci());
  setenv("CI", "false", 1);
  EXPECT_FALSE(testing::running_under_ci());
  unsetenv("CI");
  EXPECT_FALSE(testing::running_under_ci());
  if (saved) setenv("CI", previous.c_str(), 1);
}

}  // namespace
}  // namespace ufm
