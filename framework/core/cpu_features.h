#pragma once
/// The CPU's instruction sets that decide which arithmetic a run may use (train.precision),
/// read once from CPUID and recorded with every run (schema::kCpuInstructionSetsAttribute).
#include <string>

namespace ufm {

struct CpuFeatures {
  bool avx512f = false;
  /// AVX512-BF16: bf16 dot products with fp32 accumulation (VDPBF16PS).
  bool avx512_bf16 = false;
  /// AMX-BF16: bf16 tile matrix multiply (Intel Sapphire Rapids and later).
  bool amx_bf16 = false;

  bool bf16() const { return avx512_bf16 || amx_bf16; }
};

/// This machine's features (CPUID on x86-64, with the OS's consent to the AVX-512 and AMX
/// register state; none elsewhere).
CpuFeatures detect_cpu_features();

/// "avx512f avx512_bf16 amx_bf16" (the names /proc/cpuinfo uses), or "none".
std::string describe(const CpuFeatures& features);

}  // namespace ufm
