#pragma once
/// Internal to config/: the field table of ExperimentConfig and the YAML-tree steps shared
/// by parse_experiment_config and the sweep expansion.
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "config/experiment_config.h"
#include "config/option_yaml.h"
#include "config/yaml_fields.h"

namespace ufm::config_detail {

/// Every block and key of an experiment, in the order to_yaml writes them: the blocks'
/// own declarations (each options struct's options()) under their keys.
const OptionTable<ExperimentConfig>& experiment_options();

/// One row per leaf key with its default, allowed values and description.
std::vector<option_yaml::KeyDoc> key_reference();

/// Every leaf key path ("name", "train.max_epochs", ...), in declaration order.
std::vector<std::string> leaf_paths();

/// Parses YAML text; malformed text throws ConfigError with yaml-cpp's line and column.
YAML::Node load_tree(const std::string& text, const std::string& source);

/// A "a.b=value" override with its value parsed as YAML.
struct Assignment {
  std::string text;               ///< the override as written, for error messages
  std::string key;                ///< "a.b"
  std::vector<std::string> path;  ///< {"a", "b"}
  YAML::Node value;
};

/// Splits and parses an override, and checks that its key exists and its value has the
/// key's type (ConfigError naming the override otherwise).
Assignment parse_assignment(const std::string& override_text);

/// Sets the value at the assignment's path in `root` (a map), creating maps on the way.
void apply_assignment(YAML::Node& root, const Assignment& assignment);

}  // namespace ufm::config_detail
