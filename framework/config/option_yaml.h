#pragma once
/// The option tables (core/option_table.h) read from and written to YAML, internal to
/// config/: one table drives parsing, emission, flattening and the key reference, so they
/// cannot disagree.
#include <map>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/option_table.h"

namespace ufm::option_yaml {

/// Reads the keys present in `node` (a map, or null for "keep every default") into
/// `target` (a struct of the table's type); absent keys keep their values. Unknown keys,
/// duplicate keys and wrong types throw ConfigError naming source and key path.
void read(const OptionTableBase& table, void* target, const YAML::Node& node, const std::string& source,
          const std::string& path);

/// Emits every option as a map in declaration order (only scientific ones if asked).
void write(const OptionTableBase& table, const void* value, YAML::Emitter& out, bool scientific_only);

/// Appends "key path → value (flow YAML)" for every leaf (of the scientific form if asked).
void flatten(const OptionTableBase& table, const void* value, const std::string& prefix, bool scientific_only,
             std::map<std::string, std::string>& out);

/// One row of the key reference.
struct KeyDoc {
  std::string path;
  std::string value;    ///< the value in the described struct, as flow YAML
  std::string allowed;  ///< the rule ("≥ 1", "adam | sgd"), "" when anything of the type goes
  std::string description;
  bool scientific = true;
};

/// One KeyDoc per leaf, with paths under `prefix`.
void describe(const OptionTableBase& table, const void* value, const std::string& prefix, std::vector<KeyDoc>& docs,
              bool scientific = true);

}  // namespace ufm::option_yaml
