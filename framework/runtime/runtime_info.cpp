#include "runtime/runtime_info.h"

#include <ATen/Parallel.h>
#include <omp.h>
#include <torch/version.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <set>
#include <thread>

#include "core/cpu_features.h"

#if __has_include("ufm_git_commit.h")
#include "ufm_git_commit.h"  // generated at build time (cmake/git_commit.cmake)
#endif
#ifndef UFM_GIT_COMMIT
#define UFM_GIT_COMMIT "unknown"
#endif
#ifndef UFM_VERSION
#define UFM_VERSION "0"
#endif

namespace ufm {
namespace {

// LibTorch reports "BLAS" only as a build flag; which library actually answers the
// calls depends on the Debian alternatives in force, so read the loaded objects.
std::string loaded_blas() {
  std::ifstream maps("/proc/self/maps");
  std::set<std::string> found;
  std::string line;
  while (std::getline(maps, line)) {
    const auto slash = line.rfind('/');
    if (slash == std::string::npos) continue;
    const std::string file = line.substr(slash + 1);
    for (const char* name : {"libopenblas", "libblas", "libmkl", "libblis", "libcublas"}) {
      if (file.rfind(name, 0) == 0) found.insert(line.substr(line.find('/')));
    }
  }
  std::string out;
  for (const auto& path : found) {
    if (!out.empty()) out += ";";
    out += path;
  }
  return out.empty() ? "none found" : out;
}

std::string first_line_with(const std::string& file, const std::string& key) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) {
      const auto colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(colon + 2);
    }
  }
  return "unknown";
}

}  // namespace

int hardware_cores() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

int set_thread_count(int threads) {
  const int resolved = threads > 0 ? threads : hardware_cores();
  at::set_num_threads(resolved);
  omp_set_num_threads(resolved);
  return resolved;
}

RuntimeInfo collect_runtime_info(const std::string& device) {
  RuntimeInfo info;
  info.ufm_version = UFM_VERSION;
  info.git_commit = UFM_GIT_COMMIT;
  info.libtorch_version = TORCH_VERSION;
  info.blas = loaded_blas();
  info.parallel_info = at::get_parallel_info();
  info.threads = at::get_num_threads();
  info.device = device;
  char host[256] = {0};
  if (gethostname(host, sizeof host - 1) == 0) info.hostname = host;
  info.cpu_model = first_line_with("/proc/cpuinfo", "model name");
  info.cpu_instruction_sets = describe(detect_cpu_features());
  return info;
}

std::string describe(const RuntimeInfo& info) {
  return "ufm " + info.ufm_version + " (" + info.git_commit + "), LibTorch " + info.libtorch_version +
         ", BLAS " + info.blas + ", " + std::to_string(info.threads) + " threads, device " + info.device +
         ", CPU " + info.cpu_model + " (" + info.cpu_instruction_sets + ")";
}

std::string utc_timestamp() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

}  // namespace ufm
