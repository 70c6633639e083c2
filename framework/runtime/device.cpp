#include "runtime/device.h"

#include <ATen/Context.h>
#include <torch/cuda.h>

#include <algorithm>
#include <cstdlib>

#include "core/error.h"

namespace ufm {
namespace {

// The N of "cuda:N", or -1 for plain "cuda"; -2 when the text is neither.
int cuda_index(const std::string& spec) {
  if (spec == "cuda") return -1;
  if (spec.rfind("cuda:", 0) != 0 || spec.size() == 5 || spec.size() > 8) return -2;
  for (std::size_t i = 5; i < spec.size(); ++i) {
    if (spec[i] < '0' || spec[i] > '9') return -2;
  }
  return std::stoi(spec.substr(5));
}

}  // namespace

bool cuda_available() { return torch::cuda::is_available(); }

void check_device_spec(const std::string& spec, const std::string& key) {
  UFM_CHECK(spec == "auto" || spec == "cpu" || cuda_index(spec) >= -1, ConfigError, key,
            ": expected auto, cpu, cuda or cuda:N, got '", spec, "'");
}

c10::Device resolve_device(const std::string& spec) {
  check_device_spec(spec);
  if (spec == "cpu") return c10::Device(c10::kCPU);
  if (spec == "auto") return cuda_available() ? c10::Device(c10::kCUDA, 0) : c10::Device(c10::kCPU);
  const int index = std::max(0, cuda_index(spec));
  UFM_CHECK(cuda_available(), ConfigError, "execution.device: '", spec,
            "' asks for a GPU, but this LibTorch build or this machine has none (use cpu or auto)");
  const auto count = static_cast<int>(torch::cuda::device_count());
  UFM_CHECK(index < count, ConfigError, "execution.device: '", spec, "' names GPU ", index, ", but only ", count,
            " visible");
  return c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(index));
}

std::string device_string(const c10::Device& device) {
  if (device.is_cpu()) return "cpu";
  return device.str();  // "cuda:0"
}

void configure_determinism(const c10::Device& device, bool deterministic) {
  if (!device.is_cuda() || !deterministic) return;
  // cuBLAS reads this when its first handle is created; 0 = do not overwrite a user's value.
  setenv("CUBLAS_WORKSPACE_CONFIG", ":4096:8", 0);
  at::globalContext().setDeterministicAlgorithms(true, /*warn_only=*/false);
  at::globalContext().setDeterministicCuDNN(true);
  at::globalContext().setBenchmarkCuDNN(false);
}

}  // namespace ufm
