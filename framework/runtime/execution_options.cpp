#include "runtime/execution_options.h"

#include "runtime/device.h"
#include "core/error.h"

namespace ufm {
const OptionTable<ExecutionOptions>& ExecutionOptions::options() {
  static const OptionTable<ExecutionOptions> table = [] {
    OptionTable<ExecutionOptions> t;
    t.add("threads", &ExecutionOptions::threads,
          "intra-op threads per run; fixed so results are bit-identical across machines (0 = every core)")
        .at_least(0, "0 = all cores")
        .add("workers", &ExecutionOptions::workers, "runs trained side by side")
        .at_least(1)
        .add("progress", &ExecutionOptions::progress, "per-epoch progress lines on stderr")
        .add("device", &ExecutionOptions::device, "auto | cpu | cuda | cuda:N (auto = a GPU when there is one)")
        .non_empty("auto, cpu, cuda or cuda:N")
        .add("deterministic_gpu", &ExecutionOptions::deterministic_gpu, "deterministic GPU algorithms only")
        .add("parallel_models", &ExecutionOptions::parallel_models,
             "models trained together as one batched computation (runs differing only in seed/canary)")
        .at_least(1);
    return t;
  }();
  return table;
}

void ExecutionOptions::validate() const {
  check_options(options(), *this, kBlock);
  check_device_spec(device, option_path(kBlock, "device"));
}
}  // namespace ufm
