// Test entry point: quiet logging, fixed thread count, and GPU tests (named *_CUDA)
// filtered out when no GPU is present.
#include <gtest/gtest.h>

#include "core/logging.h"
#include "runtime/runtime_info.h"

#if __has_include(<torch/cuda.h>)
#include <torch/cuda.h>
#define UFM_HAVE_CUDA_QUERY 1
#endif

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ufm::set_log_level(ufm::LogLevel::kQuiet);
  ufm::set_thread_count(2);
  bool has_gpu = false;
#ifdef UFM_HAVE_CUDA_QUERY
  has_gpu = torch::cuda::is_available();
#endif
  if (!has_gpu) {
    std::string filter = ::testing::GTEST_FLAG(filter);
    filter += (filter.find('-') == std::string::npos ? "-" : ":");
    filter += "*_CUDA";
    ::testing::GTEST_FLAG(filter) = filter;
  }
  return RUN_ALL_TESTS();
}
