#include "report/settings.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>
#include <sstream>

#include "config/stored_settings.h"
#include "core/error.h"
#include "core/text.h"
#include "storage/pair_arithmetic.h"
#include "storage/schema.h"

namespace ufm {
namespace {

std::optional<double> as_number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return value;
}

// Numbers compare numerically (seed 10 after seed 2), anything else as text.
bool value_less(const std::string& a, const std::string& b) {
  const auto x = as_number(a), y = as_number(b);
  if (x && y) return *x < *y;
  if (x || y) return static_cast<bool>(x);
  return a < b;
}

bool values_less(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    if (value_less(a[i], b[i])) return true;
    if (value_less(b[i], a[i])) return false;
  }
  return a.size() < b.size();
}



std::int64_t int_or(const RunRecord& run, const char* name, std::int64_t fallback) {
  return run.has_attribute(name) ? run.int_attribute(name) : fallback;
}

}  // namespace

std::optional<std::string> setting_value(const RunRecord& run, const std::string& key) {
  if (run.has_attribute(schema::kVaryingKeys)) {
    const auto swept = parse_varying_keys(run.string_attribute(schema::kVaryingKeys));
    const auto found = swept.find(key);
    if (found != swept.end()) return found->second;
  }
  const std::string* stored = find_setting(run_settings(run), key);
  if (stored != nullptr) return *stored;
  return std::nullopt;
}

std::vector<std::string> varying_keys(const ResultFile& file) {
  std::set<std::string> keys;
  for (const auto& run : file.runs) {
    if (!run.has_attribute(schema::kVaryingKeys)) continue;
    for (const auto& item : parse_varying_keys(run.string_attribute(schema::kVaryingKeys))) keys.insert(item.first);
  }
  return {keys.begin(), keys.end()};
}

std::vector<std::string> default_group_by(const ResultFile& file) {
  std::vector<std::string> keys;
  for (const auto& key : varying_keys(file)) {
    if (key != "train.seed") keys.push_back(key);
  }
  return keys;
}

bool seeds_vary(const ResultFile& file) {
  std::set<std::int64_t> seeds;
  for (const auto& run : file.runs) {
    if (is_canary_record(run)) seeds.insert(int_or(run, schema::kSeed, 0));
  }
  return seeds.size() > 1;
}

double scalar_or_nan(const RunRecord& run, const char* path) {
  if (!run.has_array(path)) return std::nan("");
  const auto values = run.array(path).as_doubles();
  return values.empty() ? std::nan("") : values.front();
}

double control_m_at(const RunRecord& control, std::int64_t label) {
  if (!control.has_array(schema::kScoreM) || label < 0) return std::nan("");
  const auto values = control.array(schema::kScoreM).as_doubles();
  return label < static_cast<std::int64_t>(values.size()) ? values[static_cast<std::size_t>(label)] : std::nan("");
}

double CanaryEntry::m_over_draws() const {
  if (m_draws.size() < 2) return m;
  double sum = 0.0;
  for (double v : m_draws) sum += v;
  return sum / static_cast<double>(m_draws.size());
}

double CanaryEntry::m_sd_over_draws() const {
  if (m_draws.size() < 2) return std::nan("");
  const double centre = m_over_draws();
  double sum = 0.0;
  for (double v : m_draws) sum += (v - centre) * (v - centre);
  return std::sqrt(sum / static_cast<double>(m_draws.size() - 1));
}

double CanaryEntry::difference() const {
  if (m_draws.size() < 2 || control_m_draws.size() != m_draws.size()) return m - control_m;
  double sum = 0.0;
  for (std::size_t d = 0; d < m_draws.size(); ++d) sum += m_draws[d] - control_m_draws[d];
  return sum / static_cast<double>(m_draws.size());
}

namespace {

// The control's M per draw at `label`: the canary's re-scoring of its control where stored,
// else the control's own M_draws (axes "draw,label").
std::vector<double> control_draws(const RunRecord& canary, const RunRecord* control, std::int64_t label) {
  if (canary.has_array(schema::kScoreMDrawsControl)) return canary.array(schema::kScoreMDrawsControl).as_doubles();
  if (control == nullptr || label < 0 || !control->has_array(schema::kScoreMDraws)) return {};
  const ArrayData& array = control->array(schema::kScoreMDraws);
  if (array.shape.size() != 2 || label >= array.shape[1]) return {};
  const std::vector<double> values = array.as_doubles();
  std::vector<double> out;
  for (std::int64_t d = 0; d < array.shape[0]; ++d) out.push_back(values[static_cast<std::size_t>(d * array.shape[1] + label)]);
  return out;
}

// Why canary − control is not a paired comparison ("" when it is).
std::string unpaired_because(const RunRecord& canary, const RunRecord& control, std::int64_t index) {
  std::vector<std::string> reasons;
  const std::string feature = attribute_text(canary, "feature_pattern");
  const std::string control_feature = attribute_text(control, "feature_pattern");
  if (!canary.has_array(schema::kScoreMControl) && !feature.empty() && !control_feature.empty() &&
      feature != control_feature) {
    reasons.push_back("control probed with another feature (no scores/M_control in this file)");
  }
  const std::string position = setting_value(canary, "canaries.batch_position").value_or("-1");
  if (position != "-1" && position != "" && attribute_text(control, schema::kControlMoves) != std::to_string(index)) {
    reasons.push_back("control's batch order was not moved with the canary (batch position " + position + ")");
  }
  const std::string arithmetic = arithmetic_difference(canary.attributes, control.attributes);
  if (!arithmetic.empty()) reasons.push_back("control ran other arithmetic: " + arithmetic);
  return join(reasons, "; ");
}

}  // namespace

std::vector<std::string> key_header(const std::vector<std::string>& keys) {
  return keys.empty() ? std::vector<std::string>{"setting"} : keys;
}

std::vector<std::string> key_cells(const GroupedRuns& grouped, const Setting& setting) {
  return grouped.keys.empty() ? std::vector<std::string>{"all runs"} : setting.values;
}

std::string setting_label(const std::vector<std::string>& keys, const Setting& setting) {
  if (keys.empty()) return "all runs";
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < keys.size(); ++i) parts.push_back(keys[i] + "=" + setting.values[i]);
  return join(parts, ", ");
}

GroupedRuns group_runs(const ResultFile& file, const std::vector<std::string>& keys, const std::string& source) {
  std::map<std::string, const RunRecord*> by_identity;
  for (const auto& run : file.runs) by_identity[run.identity] = &run;

  for (const auto& key : keys) {
    bool known = false;
    for (const auto& run : file.runs) known = known || setting_value(run, key).has_value();
    if (known) continue;
    const std::vector<std::string> swept = varying_keys(file);
    std::vector<std::string> others;
    if (!file.runs.empty()) {
      for (const auto& [other, value] : run_settings(file.runs.front())) {
        if (std::find(swept.begin(), swept.end(), other) == swept.end()) others.push_back(other);
      }
    }
    std::vector<std::string> all = swept;
    all.insert(all.end(), others.begin(), others.end());
    throw ConfigError(detail::concat("--group-by: no run in ", source, " has the key '", key, "'",
                                     all.empty() ? "" : " (did you mean '" + nearest(key, all) + "'?)",
                                     "; keys that vary: ", swept.empty() ? "none" : join(swept),
                                     "; other config keys: ", others.empty() ? "none" : join(others)));
  }

  std::map<std::vector<std::string>, Setting> settings;
  for (const auto& run : file.runs) {
    if (!is_canary_record(run)) continue;
    std::vector<std::string> values;
    for (const auto& key : keys) values.push_back(setting_value(run, key).value_or(""));
    CanaryEntry entry;
    entry.run = &run;
    entry.index = int_or(run, schema::kCanaryIndex, -1);
    entry.label = int_or(run, schema::kCanaryLabel, -1);
    entry.seed = int_or(run, schema::kSeed, 0);
    entry.m = scalar_or_nan(run, schema::kScoreM);
    entry.p_t = scalar_or_nan(run, schema::kScoreMTtestP);
    entry.test_accuracy = scalar_or_nan(run, schema::kTestAccuracy);
    entry.control_m = std::nan("");
    if (run.has_attribute(schema::kControlIdentity)) {
      const auto found = by_identity.find(run.string_attribute(schema::kControlIdentity));
      if (found != by_identity.end()) {
        entry.control = found->second;
        entry.control_m = control_m_at(*entry.control, entry.label);
      }
    }
    // Newer canaries score their control themselves, with their own feature and patches.
    if (run.has_array(schema::kScoreMControl)) entry.control_m = scalar_or_nan(run, schema::kScoreMControl);
    if (run.has_array(schema::kScoreMDraws)) {
      entry.m_draws = run.array(schema::kScoreMDraws).as_doubles();
      entry.control_m_draws = control_draws(run, entry.control, entry.label);
    }
    if (entry.control != nullptr) entry.unpaired = unpaired_because(run, *entry.control, entry.index);
    Setting& setting = settings[values];
    setting.values = values;
    setting.canaries.push_back(entry);
  }

  GroupedRuns grouped;
  grouped.keys = keys;
  for (auto& item : settings) {
    Setting& setting = item.second;
    std::sort(setting.canaries.begin(), setting.canaries.end(), [](const CanaryEntry& a, const CanaryEntry& b) {
      return std::tie(a.index, a.seed, a.run->identity) < std::tie(b.index, b.seed, b.run->identity);
    });
    std::set<std::string> seen;
    for (const auto& canary : setting.canaries) {
      if (canary.control && seen.insert(canary.control->identity).second) setting.controls.push_back(canary.control);
    }
    std::sort(setting.controls.begin(), setting.controls.end(),
              [](const RunRecord* a, const RunRecord* b) { return a->identity < b->identity; });
    grouped.settings.push_back(std::move(setting));
  }
  std::stable_sort(grouped.settings.begin(), grouped.settings.end(),
                   [](const Setting& a, const Setting& b) { return values_less(a.values, b.values); });
  return grouped;
}

}  // namespace ufm
