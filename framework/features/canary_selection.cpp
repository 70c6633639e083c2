#include "features/canary_selection.h"

#include <algorithm>
#include <random>

#include "core/error.h"

namespace ufm {

const std::vector<std::string>& option_names(CanarySelect) {
  static const std::vector<std::string> names = {"random",  "list",    "most_influential", "least_influential",
                                                 "hardest", "easiest"};
  return names;
}

const std::vector<std::string>& option_names(Pairing) {
  static const std::vector<std::string> names = {kPairingShared, kPairingIndependent};
  return names;
}

const std::vector<std::string>& option_names(CanaryMode) {
  static const std::vector<std::string> names = {kModePairs, kModeOneRun};
  return names;
}

bool chosen_by_influence(CanarySelect select) {
  return select != CanarySelect::kRandom && select != CanarySelect::kList;
}

const OptionTable<CanaryOptions>& CanaryOptions::options() {
  static const OptionTable<CanaryOptions> table = [] {
    OptionTable<CanaryOptions> t;
    t.add("select", &CanaryOptions::select,
          "how canary images are chosen: random | list | most_influential | least_influential | hardest | "
          "easiest (the last four: influence.k images of the control model)")
        .add("count", &CanaryOptions::count, "number of random canaries (select: random)")
        .add("seed", &CanaryOptions::seed, "32-bit seed of numpy RandomState(seed).randint (select: random)")
        .add("indices", &CanaryOptions::indices, "explicit training indices (select: list)")
        .add("controls", &CanaryOptions::controls, "train a control model per distinct training seed")
        .add("batch_position", &CanaryOptions::batch_position,
             "move the canary to the first slot of this mini-batch (-1 = off; needs train.shuffle=false)")
        .at_least(-1, "-1 = off, else a batch number")
        .add("pairing", &CanaryOptions::pairing,
             "shared (one seed and control for all canaries) | independent (canary k: seed+k, own control)")
        .add("pair", &CanaryOptions::pair, "set by planning in run configs: the run's pair key (-1 in experiment files)")
        .at_least(-1, "-1 = set by planning")
        .add_late("control_moves", &CanaryOptions::control_moves,
                  "set by planning in a batch-position control's config: the image it moves, unstamped (-1 otherwise)",
                  std::int64_t{-1})
        .at_least(-1, "-1 = set by planning")
        .add_late("mode", &CanaryOptions::mode,
                  "pairs (one model per canary, with its control) | one_run (one training per seed holding `count` "
                  "canaries, each stamped by its own coin with probability 1/2; audited from that one model)",
                  CanaryMode::kPairs)
        .add_late("guess_stamped", &CanaryOptions::guess_stamped,
                  "one_run: the auditor guesses this many highest-scoring features as stamped (-1 = count/10)",
                  std::int64_t{-1})
        .at_least(-1, "-1 = count/10, else a count")
        .add_late("guess_not_stamped", &CanaryOptions::guess_not_stamped,
                  "one_run: the auditor guesses this many lowest-scoring features as not stamped (-1 = count/10)",
                  std::int64_t{-1})
        .at_least(-1, "-1 = count/10, else a count")
        .add_late("null_audit", &CanaryOptions::null_audit,
                  "one_run: toss the coins but stamp nothing (measures the test's false-positive rate)", false);
    return t;
  }();
  return table;
}

std::int64_t CanaryOptions::resolved_guess_stamped() const {
  return guess_stamped >= 0 ? guess_stamped : std::max<std::int64_t>(1, count / 10);
}

std::int64_t CanaryOptions::resolved_guess_not_stamped() const {
  return guess_not_stamped >= 0 ? guess_not_stamped : std::max<std::int64_t>(1, count / 10);
}

void CanaryOptions::validate() const {
  check_options(options(), *this, kBlock);
  if (one_run()) {
    // A one-run audit is one training with its own coins: no paired control, no selection
    // that looks at a trained model (the coins must be the only link between a feature and
    // whether it was stamped).
    UFM_CHECK(select == CanarySelect::kRandom, ConfigError, option_path(kBlock, "select"),
              ": canaries.mode one_run draws its images at random; got ", select);
    UFM_CHECK(pairing == Pairing::kIndependent, ConfigError, option_path(kBlock, "pairing"),
              ": canaries.mode one_run needs independent (each training is its own audit); got ", pairing);
    UFM_CHECK(!controls, ConfigError, option_path(kBlock, "controls"),
              ": canaries.mode one_run trains no control (set canaries.controls: false)");
    UFM_CHECK(batch_position < 0, ConfigError, option_path(kBlock, "batch_position"),
              ": not available with canaries.mode one_run");
    UFM_CHECK(count >= 2, ConfigError, option_path(kBlock, "count"),
              ": canaries.mode one_run needs at least 2 canaries, got ", count);
    UFM_CHECK(resolved_guess_stamped() + resolved_guess_not_stamped() <= count, ConfigError,
              option_path(kBlock, "guess_stamped"), " + guess_not_stamped: ",
              resolved_guess_stamped() + resolved_guess_not_stamped(), " guesses but only ", count, " canaries");
  } else {
    UFM_CHECK(!null_audit, ConfigError, option_path(kBlock, "null_audit"), ": needs canaries.mode one_run");
  }
  if (select == CanarySelect::kRandom) {
    UFM_CHECK(count >= 0, ConfigError, option_path(kBlock, "count"), ": expected >= 0, got ", count);
    UFM_CHECK(seed <= 0xFFFFFFFFull, ConfigError, option_path(kBlock, "seed"),
              ": expected a 32-bit seed (numpy RandomState), got ", seed);
  } else if (select == CanarySelect::kList) {
    for (auto index : indices) {
      UFM_CHECK(index >= 0, ConfigError, option_path(kBlock, "indices"), ": expected indices >= 0, got ", index);
    }
  }
}

std::vector<std::int64_t> numpy_legacy_randint(std::uint32_t seed, std::int64_t high, std::int64_t count) {
  UFM_CHECK(high >= 1 && high <= 0xFFFFFFFFll, ConfigError, "numpy_legacy_randint: high must be in [1, 2^32], got ",
            high);
  // numpy's RandomState seeds MT19937 with init_genrand(seed), exactly as std::mt19937(seed),
  // and draws bounded integers by masking 32-bit outputs to the smallest covering power of
  // two and rejecting values above the range (random_bounded_uint64_fill, use_masked=True).
  std::mt19937 generator(seed);
  const std::uint64_t range = static_cast<std::uint64_t>(high - 1);
  std::uint64_t mask = range;
  for (int shift = 1; shift <= 32; shift <<= 1) mask |= mask >> shift;
  std::vector<std::int64_t> out;
  out.reserve(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) {
    if (range == 0) {
      out.push_back(0);
      continue;
    }
    std::uint64_t value;
    do {
      value = static_cast<std::uint64_t>(generator()) & mask;
    } while (value > range);
    out.push_back(static_cast<std::int64_t>(value));
  }
  return out;
}

std::vector<std::int64_t> order_with_moved_example(std::int64_t size, std::int64_t index, std::int64_t position) {
  UFM_CHECK(index >= 0 && index < size, ConfigError, "canary index ", index, " is outside the training set of ", size);
  UFM_CHECK(position >= 0 && position < size, ConfigError, "canaries.batch_position: slot ", position,
            " is outside the training set of ", size, " images");
  std::vector<std::int64_t> order;
  order.reserve(static_cast<std::size_t>(size));
  for (std::int64_t i = 0; i < size; ++i) {
    if (i != index) order.push_back(i);
  }
  order.insert(order.begin() + position, index);
  return order;
}

std::vector<std::int64_t> select_canaries(const CanaryOptions& options, std::int64_t train_size) {
  UFM_CHECK(options.select == CanarySelect::kRandom || options.select == CanarySelect::kList, RuntimeError, "canaries.select: ",
            options.select, " is chosen from a trained reference model (runs/run_plan.h), not here");
  if (options.select == CanarySelect::kList) {
    for (auto index : options.indices) {
      UFM_CHECK(index >= 0 && index < train_size, ConfigError, "canaries.indices: index ", index,
                " is outside the training set of ", train_size, " images");
    }
    return options.indices;
  }
  return numpy_legacy_randint(static_cast<std::uint32_t>(options.seed), train_size, options.count);
}

}  // namespace ufm
