#pragma once
/// A run's settings as flat key paths ("train.seed" → "3", "model.hidden" → "[512, 256]"), in
/// the order the config writes them. A run stores them (attribute schema::kSettings, one
/// "key=value" line each) so that readers need no YAML; for files written before, they are
/// derived from the stored config YAML here, the one YAML reader below report/.
#include <string>
#include <utility>
#include <vector>

#include "config/experiment_config.h"
#include "storage/run_record.h"

namespace ufm {

using FlatSettings = std::vector<std::pair<std::string, std::string>>;

/// Every leaf of config YAML text, in document order: scalars as written without quotes,
/// sequences as flow YAML. No key is checked, so configs of any version read.
/// ConfigError naming `source` when the text is not YAML.
FlatSettings flatten_config_yaml(const std::string& yaml, const std::string& source = "stored config");

/// flatten_config_yaml(to_yaml(config)): what a run stores.
FlatSettings flattened_settings(const ExperimentConfig& config);

/// The attribute text: "key=value" per line (keys hold no '=', values no newline).
std::string settings_text(const FlatSettings& settings);
FlatSettings parse_settings_text(const std::string& text);

/// A stored run's settings: its schema::kSettings attribute, else its stored config YAML
/// (older files), else none. Parsed once per distinct text.
const FlatSettings& run_settings(const RunRecord& run);

/// The value of `key` in `settings`, or nullptr.
const std::string* find_setting(const FlatSettings& settings, const std::string& key);

}  // namespace ufm
