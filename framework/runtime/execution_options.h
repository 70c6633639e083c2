#pragma once
/// How a run is executed. These keys never change a result's identity (they are
/// recorded per run, not hashed): thread count changes rounding, so it is recorded.
#include <cstdint>
#include <string>

#include "core/option_table.h"

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
  /// auto | cpu | cuda | cuda:N (runtime/device.h); auto takes a GPU when there is one.
  std::string device = "cpu";
  /// On a GPU, deterministic algorithms only (runtime/device.h, configure_determinism).
  bool deterministic_gpu = false;
  /// Models trained together as one batched computation (training/trainer.h):
  /// runs that differ only in seed and canary are grouped into units of at most this many.
  int parallel_models = 1;
  /// Declared once (core/option_table.h): key, default, allowed values, description.
  static const OptionTable<ExecutionOptions>& options();
  /// The YAML block these options are read from.
  static constexpr const char* kBlock = "execution";
  /// The declared rules, then the rules between options; ConfigError naming the key.
  void validate() const;
};

}  // namespace ufm
