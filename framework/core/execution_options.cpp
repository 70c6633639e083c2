#include "core/execution_options.h"

#include "core/device.h"
#include "core/error.h"

namespace ufm {
void ExecutionOptions::validate() const {
  UFM_CHECK(threads >= 0, ConfigError, "execution.threads: expected >= 0 (0 = all cores), got ", threads);
  UFM_CHECK(workers >= 1, ConfigError, "execution.workers: expected >= 1, got ", workers);
  UFM_CHECK(parallel_models >= 1, ConfigError, "execution.parallel_models: expected >= 1, got ", parallel_models);
  check_device_spec(device, "execution.device");
}
}  // namespace ufm
