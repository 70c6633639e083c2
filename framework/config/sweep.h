#pragma once
/// Sweeps: a top-level `sweep:` map of key path → list of values expands one experiment
/// file into the Cartesian product of runs, e.g.
///   sweep:
///     train.seed: [0, 1, 2]
///     model.hidden: [[512, 256], [1024]]
/// gives 6 configs. A key that is not a config key, mapped to named variants, is a named
/// axis whose variants each set several keys (the paper's defences, dataset pairings):
///   sweep:
///     defence:
///       none: {}
///       dropout: {model.dropout: true}
///       dropout_augmentation: {model.dropout: true, augmentation.enabled: true}
/// Its points are labelled "defence=dropout"; `defence=dropout` on the command line picks one.
/// On the command line, `sweep.KEY=[v1, v2]` adds (or replaces) a plain axis.
/// A plain parse_experiment_config ignores the block (the base config).
#include <string>
#include <utility>
#include <vector>

#include "config/experiment_config.h"

namespace ufm {

/// The `sweep:` axes in the order written: each key (a valid leaf key path) with its values
/// as one-line YAML ("0", "[512, 256]"). Empty when there is no sweep block. Throws
/// ConfigError for an unknown key (with the nearest valid one), a value of the wrong type,
/// or an axis that is not a non-empty list.
std::vector<std::pair<std::string, std::vector<std::string>>> read_sweep_block(const std::string& yaml_text,
                                                                               const std::string& source);

/// The sweep points as "key=value" assignments, one list per point, in row-major order of
/// the axes as written (the last axis varies fastest). An override of a swept key replaces
/// that axis by its single value. Without a sweep block: one point with no assignments.
std::vector<std::vector<std::string>> sweep_points(const std::string& yaml_text, const std::string& source,
                                                   const std::vector<std::string>& overrides = {});

/// One validated config per sweep point (same order as sweep_points): defaults < file <
/// the point's values < overrides.
std::vector<ExperimentConfig> expand_sweep(const std::string& yaml_text, const std::string& source,
                                           const std::vector<std::string>& overrides = {});

}  // namespace ufm
