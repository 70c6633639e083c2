// execution.device: spelling checked without hardware; a GPU asked for on a machine or
// LibTorch build without one is a one-line ConfigError naming the setting, never a silent
// fall-back to the CPU (only "auto" falls back).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/device.h"
#include "core/error.h"

namespace ufm {
namespace {

using ::testing::HasSubstr;

TEST(DeviceSpec, AcceptsAutoCpuCudaAndCudaN) {
  for (const char* spec : {"auto", "cpu", "cuda", "cuda:0", "cuda:12"}) EXPECT_NO_THROW(check_device_spec(spec)) << spec;
}

TEST(DeviceSpec, RejectsOtherSpellingsNamingTheKey) {
  for (const char* spec : {"", "gpu", "CUDA", "cuda:", "cuda:x", "cuda:-1", "cuda0", "mps"}) {
    try {
      check_device_spec(spec, "execution.device");
      ADD_FAILURE() << "accepted '" << spec << "'";
    } catch (const ConfigError& error) {
      EXPECT_THAT(error.what(), HasSubstr("execution.device"));
      EXPECT_THAT(error.what(), HasSubstr("expected auto, cpu, cuda or cuda:N"));
    }
  }
}

TEST(ResolveDevice, CpuIsAlwaysTheCpu) {
  EXPECT_TRUE(resolve_device("cpu").is_cpu());
  EXPECT_EQ(device_string(resolve_device("cpu")), "cpu");
}

TEST(ResolveDevice, AutoTakesAGpuExactlyWhenOneIsAvailable) {
  const c10::Device device = resolve_device("auto");
  EXPECT_EQ(device.is_cuda(), cuda_available());
  if (device.is_cuda()) {
    EXPECT_EQ(device_string(device), "cuda:0");
  }
}

TEST(ResolveDevice, AGpuAskedForWithoutOneIsAConfigErrorNotAFallBack) {
  if (cuda_available()) GTEST_SKIP() << "this machine has a GPU";
  for (const char* spec : {"cuda", "cuda:1"}) {
    try {
      resolve_device(spec);
      ADD_FAILURE() << spec << " resolved without a GPU";
    } catch (const ConfigError& error) {
      EXPECT_THAT(error.what(), HasSubstr("execution.device"));
      EXPECT_THAT(error.what(), HasSubstr("has none"));
    }
  }
}

TEST(ResolveDevice, AGpuIndexBeyondTheVisibleOnesIsAConfigError_CUDA) {
  if (!cuda_available()) GTEST_SKIP() << "needs a GPU";
  EXPECT_THROW(resolve_device("cuda:999"), ConfigError);
}

TEST(ConfigureDeterminism, IsANoOpOnTheCpu) {
  EXPECT_NO_THROW(configure_determinism(c10::Device(c10::kCPU), true));
}

}  // namespace
}  // namespace ufm
