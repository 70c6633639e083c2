#pragma once
/// YAML block `influence` and the choice of checkpoints (science.md, "Influence"). No
/// LibTorch here: config/ includes this header.
#include <cstdint>
#include <string>
#include <vector>

#include "core/option_table.h"

namespace ufm {

/// Which checkpoints TracIn sums over (influence.checkpoints).
enum class CheckpointRule { kAuto, kAll, kCount, kList };
/// "auto", "all", "count", "list".
const std::vector<std::string>& option_names(CheckpointRule);

struct InfluenceOptions {
  /// Which per-epoch checkpoints of a model TracIn sums over:
  ///   auto   the authors' rule on the training loss (choose_checkpoint_epochs)
  ///   all    every epoch trained
  ///   count  `count` epochs evenly spaced from 1 to the last epoch
  ///   list   the explicit `epochs`
  CheckpointRule checkpoints = CheckpointRule::kAuto;
  std::int64_t count = 10;
  /// 1-based epochs (checkpoints: list).
  std::vector<std::int64_t> epochs;
  /// Examples per forward/backward pass when computing self-influence and confidence.
  std::int64_t batch_size = 500;
  /// Canaries per influence group (canaries.select: most_influential, least_influential,
  /// hardest, easiest); canaries.count is for random selection only.
  std::int64_t k = 10;
  /// Also compute the self-influence of every training image in each canary model, and the
  /// rank of its stamped image (self_influence_rank_after). Costs one influence pass per
  /// canary and keeps that model's checkpoints in memory while it trains.
  bool rank_after = false;

  /// Declared once (core/option_table.h): key, default, allowed values, description.
  static const OptionTable<InfluenceOptions>& options();
  /// The YAML block these options are read from.
  static constexpr const char* kBlock = "influence";
  /// The declared rules, then the rules between options; ConfigError naming the key.
  void validate() const;
};


/// `count` integers evenly spaced from `first` to `last` inclusive: numpy's
/// round(linspace(first, last, count)) with round-half-to-even, duplicates removed (they
/// occur only when count > last − first + 1). count 1 gives {first}.
std::vector<std::int64_t> evenly_spaced(std::int64_t first, std::int64_t last, std::int64_t count);

/// The 1-based epochs whose checkpoints enter self-influence, from the model's per-epoch
/// training loss L (one value per epoch trained) and the options:
///   auto: fewer than 10 epochs → all of them. Else d = min L + 0.05·(L[0] − min L) and
///         f = the first epoch with L < d (when no epoch is strictly below d, as for a flat
///         curve, the first epoch reaching min L); f < 10 → epochs 1..10; else
///         evenly_spaced(1, f, 10).
///   all:  1..E.   count: evenly_spaced(1, E, count).
///   list: `epochs` sorted, each checked to lie in 1..E (ConfigError naming influence.epochs
///         and the number of epochs trained).
/// Throws RuntimeError for an empty loss curve.
std::vector<std::int64_t> choose_checkpoint_epochs(const std::vector<double>& train_loss,
                                                   const InfluenceOptions& options);

}  // namespace ufm
