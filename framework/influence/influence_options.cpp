#include "influence/influence_options.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace ufm {

const std::vector<std::string>& option_names(CheckpointRule) {
  static const std::vector<std::string> names = {"auto", "all", "count", "list"};
  return names;
}
namespace {

/// The authors' rule takes ten checkpoints.
constexpr std::int64_t kAutoCheckpoints = 10;
/// ... from the epochs before the loss has come within 5% of its total drop.
constexpr double kAutoLossFraction = 0.05;

std::vector<std::int64_t> one_to(std::int64_t last) {
  std::vector<std::int64_t> out;
  for (std::int64_t e = 1; e <= last; ++e) out.push_back(e);
  return out;
}

}  // namespace

const OptionTable<InfluenceOptions>& InfluenceOptions::options() {
  static const OptionTable<InfluenceOptions> table = [] {
    OptionTable<InfluenceOptions> t;
    t.add("checkpoints", &InfluenceOptions::checkpoints,
          "checkpoints TracIn sums over: auto (the authors' rule) | all | count | list")
        .add("count", &InfluenceOptions::count, "number of evenly spaced checkpoints (checkpoints: count)")
        .at_least(1, "checkpoints")
        .add("epochs", &InfluenceOptions::epochs, "1-based epochs of the checkpoints (checkpoints: list)")
        .at_least(1, "1-based epochs")
        .add("batch_size", &InfluenceOptions::batch_size, "examples per pass when computing self-influence")
        .at_least(1)
        .add("k", &InfluenceOptions::k, "canaries per influence/hardness group (canaries.select)")
        .at_least(0, "canaries per group")
        .add("rank_after", &InfluenceOptions::rank_after,
             "also rank each canary's stamped image by self-influence in its own model");
    return t;
  }();
  return table;
}

void InfluenceOptions::validate() const {
  check_options(options(), *this, kBlock);
  UFM_CHECK(checkpoints != CheckpointRule::kList || !epochs.empty(), ConfigError, option_path(kBlock, "epochs"),
            ": expected at least one epoch with checkpoints: list");
}

std::vector<std::int64_t> evenly_spaced(std::int64_t first, std::int64_t last, std::int64_t count) {
  UFM_CHECK(count >= 1 && last >= first, RuntimeError, "evenly_spaced: expected count >= 1 and last >= first, got ",
            count, " from ", first, " to ", last);
  std::vector<std::int64_t> out;
  for (std::int64_t i = 0; i < count; ++i) {
    const double x = count == 1 ? static_cast<double>(first)
                                : static_cast<double>(first) +
                                      static_cast<double>(i) * static_cast<double>(last - first) /
                                          static_cast<double>(count - 1);
    // std::nearbyint rounds half to even in the default rounding mode, as numpy.round.
    const auto value = static_cast<std::int64_t>(std::nearbyint(x));
    if (out.empty() || out.back() != value) out.push_back(value);
  }
  return out;
}

std::vector<std::int64_t> choose_checkpoint_epochs(const std::vector<double>& train_loss,
                                                   const InfluenceOptions& options) {
  const auto epochs = static_cast<std::int64_t>(train_loss.size());
  UFM_CHECK(epochs >= 1, RuntimeError, "influence: no training epochs to take checkpoints from");
  if (options.checkpoints == CheckpointRule::kAll) return one_to(epochs);
  if (options.checkpoints == CheckpointRule::kCount) return evenly_spaced(1, epochs, std::min(options.count, epochs));
  if (options.checkpoints == CheckpointRule::kList) {
    std::vector<std::int64_t> chosen = options.epochs;
    std::sort(chosen.begin(), chosen.end());
    chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
    for (auto epoch : chosen) {
      UFM_CHECK(epoch >= 1 && epoch <= epochs, ConfigError, "influence.epochs: epoch ", epoch,
                " has no checkpoint; the model trained for ", epochs, " epochs");
    }
    return chosen;
  }
  UFM_CHECK(options.checkpoints == CheckpointRule::kAuto, ConfigError,
            "influence.checkpoints: expected auto, all, count or list, got '", options.checkpoints, "'");
  if (epochs < kAutoCheckpoints) return one_to(epochs);
  const auto minimum = std::min_element(train_loss.begin(), train_loss.end());
  const double threshold = *minimum + kAutoLossFraction * (train_loss.front() - *minimum);
  std::int64_t f = (minimum - train_loss.begin()) + 1;
  for (std::int64_t e = 0; e < epochs; ++e) {
    if (train_loss[static_cast<std::size_t>(e)] < threshold) {
      f = e + 1;
      break;
    }
  }
  if (f < kAutoCheckpoints) return one_to(kAutoCheckpoints);
  return evenly_spaced(1, f, kAutoCheckpoints);
}

}  // namespace ufm
