// execution.* validation: each bad value is refused with its key and what was expected.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "runtime/execution_options.h"

namespace ufm {
namespace {

using ::testing::HasSubstr;

void expect_refused(const ExecutionOptions& options, const std::string& key) {
  try {
    options.validate();
    ADD_FAILURE() << "accepted a bad " << key;
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr(key));
  }
}

TEST(ExecutionOptions, DefaultsAreValidAndReproducible) {
  const ExecutionOptions options;
  EXPECT_NO_THROW(options.validate());
  EXPECT_EQ(options.threads, 2);  // fixed, not the machine's core count: threads change bits
  EXPECT_EQ(options.device, "cpu");
  EXPECT_EQ(options.parallel_models, 1);
}

TEST(ExecutionOptions, RefusesEachBadValueNamingItsKey) {
  ExecutionOptions options;
  options.threads = -1;
  expect_refused(options, "execution.threads");
  options = ExecutionOptions{};
  options.workers = 0;
  expect_refused(options, "execution.workers");
  options = ExecutionOptions{};
  options.parallel_models = 0;
  expect_refused(options, "execution.parallel_models");
  options = ExecutionOptions{};
  options.device = "gpu";
  expect_refused(options, "execution.device");
}

}  // namespace
}  // namespace ufm
