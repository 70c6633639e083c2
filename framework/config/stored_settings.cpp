#include "config/stored_settings.h"

#include <yaml-cpp/yaml.h>

#include <map>
#include <mutex>
#include <sstream>

#include "core/error.h"
#include "storage/schema.h"

namespace ufm {
namespace {

void flatten_node(const YAML::Node& node, const std::string& path, FlatSettings& out) {
  if (node.IsMap()) {
    for (const auto& item : node) {
      const std::string key = item.first.Scalar();
      flatten_node(item.second, path.empty() ? key : path + "." + key, out);
    }
  } else if (node.IsScalar()) {
    out.emplace_back(path, node.Scalar());
  } else if (node.IsSequence()) {
    YAML::Emitter flow;
    flow << YAML::Flow << node;
    out.emplace_back(path, flow.c_str());
  }
  // A null leaf ("key:" with nothing after it) holds no setting.
}

}  // namespace

FlatSettings flatten_config_yaml(const std::string& yaml, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& error) {
    throw ConfigError(source + ": not YAML (" + error.msg + ")");
  }
  FlatSettings out;
  flatten_node(root, "", out);
  return out;
}

FlatSettings flattened_settings(const ExperimentConfig& config) { return flatten_config_yaml(to_yaml(config)); }

std::string settings_text(const FlatSettings& settings) {
  std::string text;
  for (const auto& [key, value] : settings) text += key + "=" + value + "\n";
  return text;
}

FlatSettings parse_settings_text(const std::string& text) {
  FlatSettings out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    const auto equals = line.find('=');
    if (equals == std::string::npos) continue;
    out.emplace_back(line.substr(0, equals), line.substr(equals + 1));
  }
  return out;
}

const FlatSettings& run_settings(const RunRecord& run) {
  // Reports look up many keys of many runs; runs of one file share few distinct texts.
  static std::mutex mutex;
  static std::map<std::string, FlatSettings> from_settings, from_yaml;
  static const FlatSettings none;
  const bool stored = run.has_attribute(schema::kSettings);
  if (!stored && !run.has_attribute(schema::kRunConfig)) return none;
  const char* name = stored ? schema::kSettings : schema::kRunConfig;
  const std::string* text = std::get_if<std::string>(&run.attributes.at(name));
  if (text == nullptr) run.string_attribute(name);  // throws the StorageError naming the run and attribute
  const std::lock_guard<std::mutex> lock(mutex);
  std::map<std::string, FlatSettings>& parsed = stored ? from_settings : from_yaml;
  auto found = parsed.find(*text);
  if (found == parsed.end()) {
    found = parsed.emplace(*text, stored ? parse_settings_text(*text) : flatten_config_yaml(*text, "run " + run.identity))
                .first;
  }
  return found->second;
}

const std::string* find_setting(const FlatSettings& settings, const std::string& key) {
  for (const auto& item : settings) {
    if (item.first == key) return &item.second;
  }
  return nullptr;
}

}  // namespace ufm
