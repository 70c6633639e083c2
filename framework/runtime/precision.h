#pragma once
/// The arithmetic of a training step (train.precision). fp32: everything in float32, the
/// paper's setting. bf16: mixed precision, the training step's matrix products and
/// convolutions on bf16 copies of the inputs and weights with fp32 accumulation inside the
/// kernel, while the master weights, optimiser state, loss, batch norm, validation,
/// probing and scoring stay fp32 (Micikevicius et al. 2018, "Mixed precision training";
/// bf16 keeps fp32's exponent range, so no loss scaling is needed: Kalamkar et al. 2019,
/// "A study of BFLOAT16 for deep learning training").
#include <c10/core/Device.h>

#include <string>

#include "core/cpu_features.h"

namespace ufm {

enum class Precision { kFp32, kBf16 };

/// "fp32" | "bf16"; anything else ("auto" included: resolve it first) throws ConfigError naming `key`.
Precision precision_from_name(const std::string& name, const std::string& key = "train.precision");
const char* precision_name(Precision precision);

/// Refuses, with a ConfigError naming `key`, bf16 on a CPU whose instruction sets have no
/// bf16 arithmetic (AVX512-BF16 or AMX-BF16): LibTorch would emulate it, slower than fp32,
/// so asking for it there is a mistake, never a silent fall-back. A CUDA device takes bf16
/// (its matrix units have it since Ampere; older GPUs emulate it).
void check_precision_supported(Precision precision, const c10::Device& device, const CpuFeatures& cpu,
                               const std::string& key = "train.precision");

/// What train.precision=auto picks: bf16 where check_precision_supported takes it (a CUDA
/// device, or a CPU with AVX512-BF16 or AMX-BF16) unless `dp` (DP-SGD keeps fp32: its
/// per-example norms are fp32), else fp32.
Precision automatic_precision(const c10::Device& device, const CpuFeatures& cpu, bool dp);

/// Why automatic_precision picked what it did, for the log: "bf16 (the CPU has avx512_bf16)".
std::string describe_automatic_precision(const c10::Device& device, const CpuFeatures& cpu, bool dp);

}  // namespace ufm
