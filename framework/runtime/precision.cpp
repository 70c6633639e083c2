#include "runtime/precision.h"

#include "core/error.h"

namespace ufm {

Precision precision_from_name(const std::string& name, const std::string& key) {
  if (name == "fp32") return Precision::kFp32;
  if (name == "bf16") return Precision::kBf16;
  throw ConfigError(key + ": expected fp32 or bf16, got '" + name + "'");
}

const char* precision_name(Precision precision) { return precision == Precision::kBf16 ? "bf16" : "fp32"; }

void check_precision_supported(Precision precision, const c10::Device& device, const CpuFeatures& cpu,
                               const std::string& key) {
  if (precision != Precision::kBf16 || !device.is_cpu()) return;
  UFM_CHECK(cpu.bf16(), ConfigError, key,
            ": bf16 needs a CPU with AVX512-BF16 or AMX-BF16 instructions, and this one has neither (it has: ",
            describe(cpu), "); use ", key, "=fp32");
}

Precision automatic_precision(const c10::Device& device, const CpuFeatures& cpu, bool dp) {
  if (dp) return Precision::kFp32;
  return device.is_cuda() || cpu.bf16() ? Precision::kBf16 : Precision::kFp32;
}

std::string describe_automatic_precision(const c10::Device& device, const CpuFeatures& cpu, bool dp) {
  const Precision picked = automatic_precision(device, cpu, dp);
  std::string why;
  if (dp) {
    why = "privacy.enabled: DP-SGD's per-example norms are fp32";
  } else if (device.is_cuda()) {
    why = "the run is on " + device.str();
  } else {
    why = cpu.bf16() ? "the CPU has " + describe(cpu) : "the CPU has no bf16 arithmetic (it has: " + describe(cpu) + ")";
  }
  return std::string(precision_name(picked)) + " (" + why + ")";
}

}  // namespace ufm
