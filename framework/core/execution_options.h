#pragma once
/// How a run is executed. These keys never change a result's identity (they are
/// recorded per run, not hashed): thread count changes rounding, so it is recorded.
#include <cstdint>

namespace ufm {

struct ExecutionOptions {
  /// Intra-op threads per run; 0 = every core of the machine.
  int threads = 0;
  /// Runs trained side by side (each with `threads` threads).
  int workers = 1;
  /// Per-epoch progress lines on stderr.
  bool progress = true;
  void validate() const;
};

}  // namespace ufm
