#include "core/cpu_features.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include <cstdint>

namespace ufm {
namespace {

#if defined(__x86_64__) || defined(__i386__)
// XCR0, the register state the OS saves on a context switch (Intel SDM vol. 1, §13.3).
std::uint64_t enabled_register_state() {
  std::uint32_t eax = 0, edx = 0;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<std::uint64_t>(edx) << 32) | eax;
}
#endif

}  // namespace

CpuFeatures detect_cpu_features() {
  CpuFeatures features;
#if defined(__x86_64__) || defined(__i386__)
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & bit_OSXSAVE)) return features;
  const std::uint64_t xcr0 = enabled_register_state();
  // AVX-512 needs the opmask, ZMM0-15 upper halves and ZMM16-31 (bits 5-7) plus SSE/AVX (1-2).
  const bool avx512_state = (xcr0 & 0xe6) == 0xe6;
  // AMX needs the tile configuration and tile data (bits 17-18).
  const bool amx_state = (xcr0 & 0x60000) == 0x60000;
  if (__get_cpuid_max(0, nullptr) < 7) return features;
  __cpuid_count(7, 0, eax, ebx, ecx, edx);
  features.avx512f = avx512_state && (ebx & (1u << 16));
  features.amx_bf16 = amx_state && (edx & (1u << 22));
  const unsigned subleaves = eax;
  if (subleaves >= 1) {
    __cpuid_count(7, 1, eax, ebx, ecx, edx);
    features.avx512_bf16 = features.avx512f && (eax & (1u << 5));
  }
#endif
  return features;
}

std::string describe(const CpuFeatures& features) {
  std::string out;
  auto add = [&](bool has, const char* name) {
    if (!has) return;
    if (!out.empty()) out += ' ';
    out += name;
  };
  add(features.avx512f, "avx512f");
  add(features.avx512_bf16, "avx512_bf16");
  add(features.amx_bf16, "amx_bf16");
  return out.empty() ? "none" : out;
}

}  // namespace ufm
