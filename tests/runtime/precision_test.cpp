// train.precision: names, the refusal of bf16 where the CPU has no bf16 arithmetic, and
// the CPU feature detection against what the kernel reports.
#include "runtime/precision.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "core/cpu_features.h"
#include "core/error.h"
#include "support/requirements.h"

namespace ufm {
namespace {

TEST(Precision, NamesRoundTripAndAnUnknownNameIsAConfigErrorNamingTheKey) {
  EXPECT_EQ(precision_from_name("fp32"), Precision::kFp32);
  EXPECT_EQ(precision_from_name("bf16"), Precision::kBf16);
  EXPECT_STREQ(precision_name(Precision::kBf16), "bf16");
  EXPECT_STREQ(precision_name(Precision::kFp32), "fp32");
  try {
    precision_from_name("fp16");
    FAIL() << "fp16 was accepted";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("train.precision"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("fp16"), std::string::npos) << error.what();
  }
}

TEST(Precision, Bf16OnACpuWithoutBf16InstructionsIsRefusedNeverAFallBack) {
  const c10::Device cpu(c10::kCPU);
  CpuFeatures none;
  none.avx512f = true;
  try {
    check_precision_supported(Precision::kBf16, cpu, none);
    FAIL() << "bf16 was accepted on a CPU without bf16 instructions";
  } catch (const ConfigError& error) {
    const std::string what = error.what();
    EXPECT_NE(what.find("train.precision"), std::string::npos) << what;
    EXPECT_NE(what.find("AVX512-BF16"), std::string::npos) << what;
    EXPECT_NE(what.find("avx512f"), std::string::npos) << "names what the CPU has: " << what;
  }
  EXPECT_NO_THROW(check_precision_supported(Precision::kFp32, cpu, none));
  CpuFeatures avx512_bf16 = none;
  avx512_bf16.avx512_bf16 = true;
  EXPECT_NO_THROW(check_precision_supported(Precision::kBf16, cpu, avx512_bf16));
  CpuFeatures amx;
  amx.amx_bf16 = true;
  EXPECT_NO_THROW(check_precision_supported(Precision::kBf16, cpu, amx));
  // A GPU's bf16 does not depend on the host CPU.
  EXPECT_NO_THROW(check_precision_supported(Precision::kBf16, c10::Device(c10::kCUDA, 0), none));
}

// Property: auto picks bf16 exactly where check_precision_supported would take it and DP is
// off, and says why; it never picks what the refusal above would reject.
TEST(Precision, AutomaticPicksBf16OnlyWhereItIsSupportedAndDpIsOff) {
  const c10::Device cpu(c10::kCPU), gpu(c10::kCUDA, 0);
  CpuFeatures plain;
  plain.avx512f = true;
  CpuFeatures bf16 = plain;
  bf16.avx512_bf16 = true;
  EXPECT_EQ(automatic_precision(cpu, plain, false), Precision::kFp32);
  EXPECT_EQ(automatic_precision(cpu, bf16, false), Precision::kBf16);
  EXPECT_EQ(automatic_precision(gpu, plain, false), Precision::kBf16);
  EXPECT_EQ(automatic_precision(cpu, bf16, true), Precision::kFp32);
  EXPECT_EQ(automatic_precision(gpu, plain, true), Precision::kFp32);
  for (const CpuFeatures& features : {plain, bf16}) {
    for (bool dp : {false, true}) {
      EXPECT_NO_THROW(check_precision_supported(automatic_precision(cpu, features, dp), cpu, features));
    }
  }
  EXPECT_EQ(describe_automatic_precision(cpu, bf16, false), "bf16 (the CPU has avx512f avx512_bf16)");
  EXPECT_NE(describe_automatic_precision(cpu, plain, false).find("fp32 (the CPU has no bf16"), std::string::npos);
  EXPECT_NE(describe_automatic_precision(cpu, bf16, true).find("fp32 (privacy.enabled"), std::string::npos);
  EXPECT_THROW(precision_from_name("auto"), ConfigError) << "auto is resolved before it reaches the trainer";
}

// The flags line of /proc/cpuinfo (the kernel's view, which also hides what the OS did not
// enable), as a set of words with spaces around them.
std::string kernel_cpu_flags() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("flags", 0) == 0) return " " + line.substr(line.find(':') + 1) + " ";
  }
  return "";
}

TEST(CpuFeatures, DetectionAgreesWithTheKernelsFlags) {
  const std::string flags = kernel_cpu_flags();
  UFM_REQUIRE(!flags.empty(), "no flags line in /proc/cpuinfo (not Linux on x86-64)");
  const CpuFeatures features = detect_cpu_features();
  EXPECT_EQ(features.avx512f, flags.find(" avx512f ") != std::string::npos) << flags;
  EXPECT_EQ(features.avx512_bf16, flags.find(" avx512_bf16 ") != std::string::npos) << flags;
  EXPECT_EQ(features.amx_bf16, flags.find(" amx_bf16 ") != std::string::npos) << flags;
  const std::string described = describe(features);
  EXPECT_EQ(described == "none", !features.avx512f && !features.bf16());
}

}  // namespace
}  // namespace ufm
