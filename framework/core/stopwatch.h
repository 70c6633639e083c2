#pragma once
/// Wall-clock seconds since construction (steady clock): the timings runs record beside their
/// results (train_seconds, exposure_seconds, …), never compared as results.
#include <chrono>

namespace ufm {

class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  double seconds() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace ufm
