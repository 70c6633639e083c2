#include "config/sweep.h"

#include <algorithm>

#include "config/experiment_fields.h"
#include "core/error.h"
#include "core/text.h"

namespace ufm {

namespace {

// One axis of a sweep. A plain axis sweeps one key over values; a named axis (e.g.
// "defence") sweeps named variants, each setting several keys at once.
struct Axis {
  std::string key;
  std::vector<std::string> labels;                    ///< value text or variant name
  std::vector<std::vector<std::string>> assignments;  ///< "key=value" set by each label
  bool named = false;
};

// Type-checks "key=value" now, naming the sweep rather than a point.
void check_assignment(const std::string& assignment, const std::string& sweep_source) {
  try {
    config_detail::parse_assignment(assignment);
  } catch (const ConfigError& error) {
    const std::string label = "override '" + assignment + "'";
    const std::string message = error.what();
    throw ConfigError(sweep_source + (message.rfind(label, 0) == 0 ? message.substr(label.size()) : ": " + message));
  }
}

std::vector<Axis> read_axes(const std::string& yaml_text, const std::string& source) {
  const YAML::Node root = config_detail::load_tree(yaml_text, source);
  // A root that is not a map is reported by parse_experiment_config.
  if (!root.IsMap() || !root["sweep"] || root["sweep"].IsNull()) return {};
  const YAML::Node sweep = root["sweep"];
  if (!sweep.IsMap()) {
    yaml_fields::fail(source, "sweep", "expected a map of key: [values], got " + yaml_fields::describe_node(sweep));
  }
  const std::vector<std::string> paths = config_detail::leaf_paths();
  const std::string sweep_source = source + ": sweep";
  std::vector<Axis> axes;
  for (const auto& entry : sweep) {
    Axis axis;
    axis.key = entry.first.Scalar();
    for (const auto& other : axes) {
      if (other.key == axis.key) yaml_fields::fail(sweep_source, "", "duplicate key '" + axis.key + "'");
    }
    const YAML::Node& values = entry.second;
    const bool is_key = std::find(paths.begin(), paths.end(), axis.key) != paths.end();
    if (!is_key && values.IsMap()) {
      // Named variants: {variant: {key: value, ...}, ...}; an empty map = the base config.
      axis.named = true;
      if (values.size() == 0) {
        yaml_fields::fail(sweep_source, axis.key, "expected at least one named variant");
      }
      for (const auto& variant : values) {
        axis.labels.push_back(variant.first.Scalar());
        std::vector<std::string> assignments;
        if (!variant.second.IsNull() && !variant.second.IsMap()) {
          yaml_fields::fail(sweep_source, axis.key + "." + variant.first.Scalar(),
                            "expected a map of key: value, got " + yaml_fields::describe_node(variant.second));
        }
        for (const auto& setting : variant.second) {
          const std::string assignment =
              setting.first.Scalar() + "=" + yaml_fields::emit_flow(setting.second);
          check_assignment(assignment, sweep_source + "." + axis.key + "." + variant.first.Scalar());
          assignments.push_back(assignment);
        }
        axis.assignments.push_back(std::move(assignments));
      }
    } else {
      if (!is_key) {
        yaml_fields::fail(sweep_source, "",
                          "unknown key '" + axis.key + "' (did you mean '" + nearest(axis.key, paths) +
                              "'?)");
      }
      if (!values.IsSequence() || values.size() == 0) {
        yaml_fields::fail(sweep_source, axis.key,
                          "expected a non-empty list of values, got " + yaml_fields::describe_node(values));
      }
      for (const auto& value : values) {
        const std::string text = yaml_fields::emit_flow(value);
        check_assignment(axis.key + "=" + text, sweep_source);
        axis.labels.push_back(text);
        axis.assignments.push_back({axis.key + "=" + text});
      }
    }
    axes.push_back(std::move(axis));
  }
  return axes;
}

constexpr const char* kSweepPrefix = "sweep.";

bool is_sweep_override(const std::string& override_text) {
  return override_text.rfind(kSweepPrefix, 0) == 0 && override_text.find('=') != std::string::npos;
}

bool is_named_axis(const std::vector<Axis>& axes, const std::string& key) {
  for (const auto& axis : axes) {
    if (axis.named && axis.key == key) return true;
  }
  return false;
}

struct Point {
  std::vector<std::string> labels;       ///< "axis=label"
  std::vector<std::string> assignments;  ///< "key=value"
};

// Overrides of a swept key (or a named axis) replace that axis by the single value given.
std::vector<Point> expand_points(const std::string& yaml_text, const std::string& source,
                                 const std::vector<std::string>& overrides) {
  auto axes = read_axes(yaml_text, source);
  for (const auto& override_text : overrides) {
    const auto equals = override_text.find('=');
    const std::string key = override_text.substr(0, equals);
    if (is_sweep_override(override_text)) {
      // "sweep.KEY=[v1, v2]" sweeps KEY from the command line (replacing any axis of it).
      const std::string swept = key.substr(std::string(kSweepPrefix).size());
      const std::string yaml = "sweep:\n  " + swept + ": " + override_text.substr(equals + 1) + "\n";
      auto added = read_axes(yaml, "override '" + override_text + "'");
      UFM_CHECK(!added.empty() && !added.front().named, ConfigError, "override '", override_text,
                "': expected sweep.KEY=[values]");
      auto existing = std::find_if(axes.begin(), axes.end(), [&](const Axis& a) { return a.key == swept; });
      if (existing != axes.end()) {
        *existing = added.front();
      } else {
        axes.push_back(added.front());
      }
      continue;
    }
    if (equals != std::string::npos && is_named_axis(axes, key)) {
      const std::string label = override_text.substr(equals + 1);
      for (auto& axis : axes) {
        if (axis.key != key) continue;
        const auto found = std::find(axis.labels.begin(), axis.labels.end(), label);
        UFM_CHECK(found != axis.labels.end(), ConfigError, "override '", override_text, "': unknown variant '", label,
                  "' of sweep axis '", key, "' (valid: ", join(axis.labels), ")");
        const auto index = static_cast<std::size_t>(found - axis.labels.begin());
        axis.labels = {axis.labels[index]};
        axis.assignments = {axis.assignments[index]};
      }
      continue;
    }
    const auto assignment = config_detail::parse_assignment(override_text);
    for (auto& axis : axes) {
      if (!axis.named && axis.key == assignment.key) {
        const std::string text = yaml_fields::emit_flow(assignment.value);
        axis.labels = {text};
        axis.assignments = {{axis.key + "=" + text}};
      }
    }
  }
  std::vector<Point> points{Point{}};
  for (const auto& axis : axes) {
    std::vector<Point> next;
    next.reserve(points.size() * axis.labels.size());
    for (const auto& point : points) {
      for (std::size_t v = 0; v < axis.labels.size(); ++v) {
        Point extended = point;
        extended.labels.push_back(axis.key + "=" + axis.labels[v]);
        extended.assignments.insert(extended.assignments.end(), axis.assignments[v].begin(),
                                    axis.assignments[v].end());
        next.push_back(std::move(extended));
      }
    }
    points = std::move(next);
  }
  return points;
}

}  // namespace

std::vector<std::pair<std::string, std::vector<std::string>>> read_sweep_block(const std::string& yaml_text,
                                                                               const std::string& source) {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (const auto& axis : read_axes(yaml_text, source)) out.emplace_back(axis.key, axis.labels);
  return out;
}

std::vector<std::vector<std::string>> sweep_points(const std::string& yaml_text, const std::string& source,
                                                   const std::vector<std::string>& overrides) {
  std::vector<std::vector<std::string>> out;
  for (const auto& point : expand_points(yaml_text, source, overrides)) out.push_back(point.labels);
  return out;
}

std::vector<ExperimentConfig> expand_sweep(const std::string& yaml_text, const std::string& source,
                                           const std::vector<std::string>& overrides) {
  const auto named = read_axes(yaml_text, source);
  std::vector<ExperimentConfig> configs;
  for (const auto& point : expand_points(yaml_text, source, overrides)) {
    std::vector<std::string> assignments = point.assignments;
    for (const auto& override_text : overrides) {
      // A named-axis selection is not a config key; it has been applied above.
      if (!is_sweep_override(override_text) && !is_named_axis(named, override_text.substr(0, override_text.find('=')))) {
        assignments.push_back(override_text);
      }
    }
    const std::string point_source = point.labels.empty() ? source : source + " [" + join(point.labels) + "]";
    configs.push_back(parse_experiment_config(yaml_text, point_source, assignments));
  }
  return configs;
}

}  // namespace ufm
