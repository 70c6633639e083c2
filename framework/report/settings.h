#pragma once
/// Runs of a result file grouped by settings (values of config keys), with each canary
/// linked to its control. Shared by the report tables and the plots; a pure function of
/// the stored runs.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "storage/run_record.h"

namespace ufm {

/// A run's value of `key`: its `varying_keys` attribute first, else its stored settings
/// (config/stored_settings.h: the `settings` attribute, or the `config` YAML of older files).
/// nullopt when neither has the key.
std::optional<std::string> setting_value(const RunRecord& run, const std::string& key);

/// Keys swept in the file (union of the runs' `varying_keys`), sorted.
std::vector<std::string> varying_keys(const ResultFile& file);

/// The grouping `ufm report` uses without --group-by: every swept key except train.seed.
/// Seeds are replicates of one setting, so they are pooled within a row of the settings
/// table and their spread gets its own table (seed_table).
std::vector<std::string> default_group_by(const ResultFile& file);

/// True when the canaries of the file were trained with more than one seed.
bool seeds_vary(const ResultFile& file);

/// One canary model with the numbers the tables and plots need.
struct CanaryEntry {
  const RunRecord* run = nullptr;
  /// The run named by its control_identity; nullptr when absent from the file.
  const RunRecord* control = nullptr;
  std::int64_t index = -1;
  std::int64_t label = -1;
  std::int64_t seed = 0;
  /// M on patch draw 0 (the authors' draw).
  double m = 0.0;
  /// The control's M at this canary's label on draw 0: the canary's own re-scoring of its
  /// control (scores/M_control) where stored, else the control's M (NaN without a control).
  double control_m = 0.0;
  /// M and the control's M per patch draw (evaluation.patch_draws > 1); empty otherwise.
  std::vector<double> m_draws, control_m_draws;
  double p_t = 0.0;
  double test_accuracy = 0.0;
  /// Why this canary-minus-control comparison is not really paired ("" when it is): the
  /// control was probed with another feature, trained in another batch order, or ran other
  /// arithmetic (threads, device).
  std::string unpaired;
  /// M averaged over patch draws (m with one draw), and its sample sd over draws (NaN with one).
  double m_over_draws() const;
  double m_sd_over_draws() const;
  /// Canary minus control: m − control_m, averaged over patch draws where there are several.
  double difference() const;
};

struct Setting {
  /// One value per grouping key ("" when a run has no value for the key).
  std::vector<std::string> values;
  /// Sorted by canary index, then seed.
  std::vector<CanaryEntry> canaries;
  /// Distinct controls linked from these canaries, in identity order.
  std::vector<const RunRecord*> controls;
};

struct GroupedRuns {
  std::vector<std::string> keys;
  /// Sorted by values (numbers numerically); runs without canaries form no setting.
  std::vector<Setting> settings;
};

/// The first columns of a per-setting table: the grouping keys, or "setting" without keys;
/// and one setting's cells under them ("all runs" without keys).
std::vector<std::string> key_header(const std::vector<std::string>& keys);
std::vector<std::string> key_cells(const GroupedRuns& grouped, const Setting& setting);

/// "k=v, k=v" for `setting` under `keys`; "all runs" with no keys.
std::string setting_label(const std::vector<std::string>& keys, const Setting& setting);

/// Groups the canaries of `file` by the values of `keys`. ConfigError naming a key no run
/// has (neither swept nor in any run's config), with the nearest key and the available
/// ones; `source` names the file in that message.
GroupedRuns group_runs(const ResultFile& file, const std::vector<std::string>& keys,
                       const std::string& source = "the result file");

/// Scalar value of `path` in `run`; NaN when missing or empty.
double scalar_or_nan(const RunRecord& run, const char* path);

/// The control's M at `label` (controls store M for every label); NaN when unavailable.
double control_m_at(const RunRecord& control, std::int64_t label);

}  // namespace ufm
