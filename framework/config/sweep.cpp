#include "config/sweep.h"

#include <algorithm>

#include "config/experiment_fields.h"
#include "core/error.h"
#include "core/text.h"

namespace ufm {

std::vector<std::pair<std::string, std::vector<std::string>>> read_sweep_block(const std::string& yaml_text,
                                                                               const std::string& source) {
  const YAML::Node root = config_detail::load_tree(yaml_text, source);
  // A root that is not a map is reported by parse_experiment_config.
  if (!root.IsMap() || !root["sweep"] || root["sweep"].IsNull()) return {};
  const YAML::Node sweep = root["sweep"];
  if (!sweep.IsMap()) {
    yaml_fields::fail(source, "sweep", "expected a map of key: [values], got " + yaml_fields::describe_node(sweep));
  }
  const std::vector<std::string> paths = config_detail::leaf_paths();
  const std::string sweep_source = source + ": sweep";
  std::vector<std::pair<std::string, std::vector<std::string>>> axes;
  for (const auto& entry : sweep) {
    const std::string key = entry.first.Scalar();
    if (std::find(paths.begin(), paths.end(), key) == paths.end()) {
      yaml_fields::fail(sweep_source, "", "unknown key '" + key + "' (did you mean '" + nearest(key, paths) + "'?)");
    }
    for (const auto& axis : axes) {
      if (axis.first == key) yaml_fields::fail(sweep_source, "", "duplicate key '" + key + "'");
    }
    const YAML::Node& values = entry.second;
    if (!values.IsSequence() || values.size() == 0) {
      yaml_fields::fail(sweep_source, key,
                        "expected a non-empty list of values, got " + yaml_fields::describe_node(values));
    }
    std::vector<std::string> texts;
    for (const auto& value : values) {
      const std::string text = yaml_fields::emit_flow(value);
      // Type-checks the value against its key now, naming the sweep rather than a point.
      const std::string assignment = key + "=" + text;
      try {
        config_detail::parse_assignment(assignment);
      } catch (const ConfigError& error) {
        // Replace the "override '...'" label with the sweep's.
        const std::string label = "override '" + assignment + "'";
        throw ConfigError(sweep_source + std::string(error.what()).substr(label.size()));
      }
      texts.push_back(text);
    }
    axes.emplace_back(key, std::move(texts));
  }
  return axes;
}

std::vector<std::vector<std::string>> sweep_points(const std::string& yaml_text, const std::string& source,
                                                   const std::vector<std::string>& overrides) {
  auto axes = read_sweep_block(yaml_text, source);
  for (const auto& override_text : overrides) {
    const auto assignment = config_detail::parse_assignment(override_text);
    for (auto& axis : axes) {
      if (axis.first == assignment.key) axis.second = {yaml_fields::emit_flow(assignment.value)};
    }
  }
  std::vector<std::vector<std::string>> points{{}};
  for (const auto& [key, values] : axes) {
    std::vector<std::vector<std::string>> next;
    next.reserve(points.size() * values.size());
    for (const auto& point : points) {
      for (const auto& value : values) {
        next.push_back(point);
        next.back().push_back(key + "=" + value);
      }
    }
    points = std::move(next);
  }
  return points;
}

std::vector<ExperimentConfig> expand_sweep(const std::string& yaml_text, const std::string& source,
                                           const std::vector<std::string>& overrides) {
  std::vector<ExperimentConfig> configs;
  for (const auto& point : sweep_points(yaml_text, source, overrides)) {
    std::vector<std::string> assignments = point;
    assignments.insert(assignments.end(), overrides.begin(), overrides.end());
    const std::string point_source = point.empty() ? source : source + " [" + join(point) + "]";
    configs.push_back(parse_experiment_config(yaml_text, point_source, assignments));
  }
  return configs;
}

}  // namespace ufm
