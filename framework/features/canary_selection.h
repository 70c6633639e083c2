#pragma once
/// Which training images carry the unique feature, one canary model per index.
#include <cstdint>
#include <string>
#include <vector>

#include "core/option_table.h"

namespace ufm {

/// YAML block `canaries`.
/// canaries.pairing: one training seed and one control for every canary (the authors'
/// protocol), or canary k on seed + k with its own control (independent pairs).
inline constexpr const char* kPairingShared = "shared";
inline constexpr const char* kPairingIndependent = "independent";
/// canaries.mode: one model per canary (paired designs), or one training holding every
/// canary, each stamped by its own coin (a one-run audit, features/one_run_draw.h).
inline constexpr const char* kModePairs = "pairs";
inline constexpr const char* kModeOneRun = "one_run";
enum class Pairing { kShared, kIndependent };
const std::vector<std::string>& option_names(Pairing);  // kPairingShared, kPairingIndependent
enum class CanaryMode { kPairs, kOneRun };
const std::vector<std::string>& option_names(CanaryMode);  // kModePairs, kModeOneRun

/// How canary images are chosen (canaries.select).
enum class CanarySelect { kRandom, kList, kMostInfluential, kLeastInfluential, kHardest, kEasiest };
/// "random", "list", "most_influential", "least_influential", "hardest", "easiest".
const std::vector<std::string>& option_names(CanarySelect);
/// True for the four selections made from a trained control's self-influence or confidence.
bool chosen_by_influence(CanarySelect select);

struct CanaryOptions {
  /// random: `count` indices drawn from `seed` exactly as numpy's RandomState(seed).randint(0, N, count);
  /// list: the explicit `indices`;
  /// most_influential / least_influential: the influence.k training images of largest /
  /// smallest self-influence in the control model; hardest / easiest: those of lowest /
  /// highest top-1 confidence (planned after the control is trained: runs/run_plan.h).
  CanarySelect select = CanarySelect::kRandom;
  std::int64_t count = 10;
  std::uint64_t seed = 123;
  std::vector<std::int64_t> indices;
  /// Train a control model (no unique feature) for each distinct training seed.
  bool controls = true;
  /// Move each canary image to the first slot of mini-batch `batch_position` (the authors'
  /// batch-position experiment; needs train.shuffle=false). −1 = leave it where it is.
  std::int64_t batch_position = -1;
  /// shared: the authors' protocol, every canary trained with train.seed and one control
  /// serving them all (canaries are then dependent: pooled p-values are not valid);
  /// independent: canary k (its position in the selection) is trained with train.seed + k
  /// and gets its own control with that seed, and its own feature, candidate and patch draws.
  Pairing pairing = Pairing::kShared;
  /// True under canaries.pairing: independent.
  bool independent_pairs() const { return pairing == Pairing::kIndependent; }
  /// Set by planning in each run's own config, not by users: the run's pair key k (its
  /// canary's position in the selection; a control's under independent pairing), keying
  /// its feature, decoy, candidate and patch streams. −1 = none (experiment files).
  std::int64_t pair = -1;
  /// Set by planning in a batch-position control's own config, not by users: the training
  /// image that control moves (unstamped) to the first slot of mini-batch `batch_position`,
  /// so that its batch order is exactly its canary's. −1 = none (every other run).
  std::int64_t control_moves = -1;
  /// pairs: one model per canary (with its control); one_run: one training per seed with
  /// `count` canary images, each stamped with its own random feature with probability ½ by an
  /// independent coin, and audited from that one model (Steinke, Nasr, Jagielski 2023).
  CanaryMode mode = CanaryMode::kPairs;
  /// one_run: the auditor guesses the guess_stamped highest-scoring features as stamped and
  /// the guess_not_stamped lowest as not; −1 = count/10 each (at least 1).
  std::int64_t guess_stamped = -1;
  std::int64_t guess_not_stamped = -1;
  /// one_run: toss the coins but stamp nothing (a null audit: measures the false-positive
  /// rate of the one-run test).
  bool null_audit = false;

  bool one_run() const { return mode == CanaryMode::kOneRun; }
  /// guess_stamped and guess_not_stamped with −1 resolved.
  std::int64_t resolved_guess_stamped() const;
  std::int64_t resolved_guess_not_stamped() const;
  /// Declared once (core/option_table.h): key, default, allowed values, description.
  static const OptionTable<CanaryOptions>& options();
  /// The YAML block these options are read from.
  static constexpr const char* kBlock = "canaries";
  /// The declared rules, then the rules between options; ConfigError naming the key.
  void validate() const;
};

/// Reproduces numpy's legacy `RandomState(seed).randint(0, high, count)` (MT19937 with
/// masked rejection), so that the authors' canary indices come out exactly
/// (seed 123, N = 60000 → 52734, 15725, 28030, ...).
std::vector<std::int64_t> numpy_legacy_randint(std::uint32_t seed, std::int64_t high, std::int64_t count);

/// The canary indices for a training set of `train_size` images (select random or list).
/// Throws ConfigError when an explicit index is out of range, RuntimeError for a selection
/// that needs a trained reference model.
std::vector<std::int64_t> select_canaries(const CanaryOptions& options, std::int64_t train_size);

/// The training order 0..size−1 with `index` moved (not copied) to `position`; the images
/// between shift by one, so every image still appears exactly once with its own label.
std::vector<std::int64_t> order_with_moved_example(std::int64_t size, std::int64_t index, std::int64_t position);

}  // namespace ufm
