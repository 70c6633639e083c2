#include "runs/training_units.h"

#include <map>
#include <numeric>
#include <string>

#include "core/error.h"
#include "runs/run_executor.h"

namespace ufm {

std::vector<std::vector<std::size_t>> training_units(const ExperimentPlan& plan, int parallel_models,
                                                     const std::vector<std::size_t>& runs) {
  UFM_CHECK(parallel_models >= 1, ConfigError, "execution.parallel_models: expected >= 1, got ", parallel_models);
  std::vector<std::vector<std::size_t>> units;
  std::map<std::string, std::size_t> open;  // compatibility key → its unit still being filled
  for (const std::size_t index : runs) {
    UFM_CHECK(index < plan.runs.size(), RuntimeError, "training_units: run ", index, " outside a plan of ",
              plan.runs.size(), " runs");
    const std::string key = parallel_models == 1 ? std::string() : batch_compatibility_key(plan.runs[index].config);
    auto found = open.find(key);
    if (parallel_models == 1 || found == open.end() ||
        units[found->second].size() >= static_cast<std::size_t>(parallel_models)) {
      units.push_back({index});
      open[key] = units.size() - 1;
    } else {
      units[found->second].push_back(index);
    }
  }
  return units;
}

std::vector<std::vector<std::size_t>> training_units(const ExperimentPlan& plan, int parallel_models) {
  std::vector<std::size_t> all(plan.runs.size());
  std::iota(all.begin(), all.end(), std::size_t{0});
  return training_units(plan, parallel_models, all);
}

}  // namespace ufm
