#pragma once
/// Where tensors live and run: execution.device (auto | cpu | cuda | cuda:N). CPU is the
/// default; a CUDA device is used only when the LibTorch build and the machine have one.
#include <c10/core/Device.h>

#include <string>

namespace ufm {

/// True when LibTorch was built with CUDA and at least one GPU is visible.
bool cuda_available();

/// Checks the spelling of a device setting without looking for hardware: "auto", "cpu",
/// "cuda" or "cuda:N". Throws ConfigError naming `key` otherwise.
void check_device_spec(const std::string& spec, const std::string& key = "execution.device");

/// The device a setting names: "auto" is cuda:0 when cuda_available(), else cpu. Throws
/// ConfigError when a CUDA device is asked for and this build or machine has none, or
/// when N is not below the number of GPUs.
c10::Device resolve_device(const std::string& spec);

/// "cpu" or "cuda:N": the string recorded with every run.
std::string device_string(const c10::Device& device);

/// With `deterministic` on a CUDA device: deterministic algorithms only (an operation
/// without one throws), cuDNN deterministic and not benchmarking, and the cuBLAS
/// workspace setting that deterministic cuBLAS needs (CUBLAS_WORKSPACE_CONFIG=:4096:8,
/// unless already set). Process-wide; a no-op on the CPU, whose kernels are already
/// deterministic at a fixed thread count.
void configure_determinism(const c10::Device& device, bool deterministic);

}  // namespace ufm
