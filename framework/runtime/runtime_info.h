#pragma once
/// What a result must record to be reproduced: versions, BLAS, threads, device.
#include <string>

namespace ufm {

struct RuntimeInfo {
  std::string ufm_version;
  std::string git_commit;
  std::string libtorch_version;
  std::string blas;          ///< BLAS library LibTorch calls (from the loaded shared objects)
  std::string parallel_info; ///< at::get_parallel_info(): threads, OpenMP, MKL
  int threads = 0;           ///< intra-op threads in force
  std::string device;        ///< "cpu" or "cuda:N (name)"
  std::string hostname;
  std::string cpu_model;
  std::string cpu_instruction_sets;  ///< describe(detect_cpu_features())
};

/// Sets the intra-op thread count for this thread's LibTorch and OpenMP/BLAS calls.
/// 0 means every core of the machine.
int set_thread_count(int threads);

/// Number of cores of the machine.
int hardware_cores();

/// Gathers the runtime facts (call after set_thread_count).
RuntimeInfo collect_runtime_info(const std::string& device = "cpu");

/// One line for the start-up log: "LibTorch 1.13.1, BLAS openblas (libopenblas.so.0), 2 threads, cpu".
std::string describe(const RuntimeInfo& info);

/// UTC time as ISO-8601, for timestamps in result files.
std::string utc_timestamp();

}  // namespace ufm
