#pragma once
/// How a run is executed. These keys never change a result's identity (they are
/// recorded per run, not hashed): thread count changes rounding, so it is recorded.
#include <cstdint>

namespace ufm {

struct ExecutionOptions {
  /// Intra-op threads per run. A fixed default, not the machine's core count: the thread
  /// count changes the bits of a result, so the same config must give the same bits on a
  /// laptop, a workstation and every node of a cluster. 2 fills the 2-core reference machine
  /// and is where one MLP run stops scaling; 0 = every core (opt-in, not reproducible across
  /// machines).
  int threads = 2;
  /// Runs trained side by side (each with `threads` threads).
  int workers = 1;
  /// Per-epoch progress lines on stderr.
  bool progress = true;
  void validate() const;
};

}  // namespace ufm
