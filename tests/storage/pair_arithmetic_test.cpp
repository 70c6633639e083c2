// A control serves a canary only when both ran the same arithmetic.
#include "storage/pair_arithmetic.h"

#include <gtest/gtest.h>

namespace ufm {
namespace {

TEST(ArithmeticDifference, NamesThreadsAndDeviceAndAllowsBatchingOnTheCpu) {
  std::map<std::string, AttributeValue> canary = {{"threads", std::int64_t{2}}, {"device", std::string("cpu")},
                                                  {"parallel_models", std::int64_t{4}}};
  std::map<std::string, AttributeValue> control = canary;
  control["parallel_models"] = std::int64_t{1};
  EXPECT_EQ(arithmetic_difference(canary, control), "");  // models trained together are bit-identical on the CPU
  control["threads"] = std::int64_t{1};
  EXPECT_EQ(arithmetic_difference(canary, control), "1 threads (the canary: 2)");
  control["device"] = std::string("cuda:0");
  EXPECT_EQ(arithmetic_difference(canary, control), "cuda:0 as device (the canary: cpu), 1 threads (the canary: 2)");
  // On a GPU the batch arrangement changes the bits too.
  canary["device"] = control["device"] = std::string("cuda:0");
  control["threads"] = std::int64_t{2};
  EXPECT_EQ(arithmetic_difference(canary, control), "1 models trained together (the canary: 4)");
  // Old files without the attributes are not judged.
  EXPECT_EQ(arithmetic_difference({}, control), "");
}

}  // namespace
}  // namespace ufm
