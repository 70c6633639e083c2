#pragma once
/// `ufm report FILE.h5`: tables (and optionally figures) rebuilt from a result file
/// without retraining. The program only parses its options into ReportOptions.
#include <optional>
#include <string>
#include <vector>

#include "storage/run_record.h"

namespace ufm {

struct ReportOptions {
  /// Keys whose values define a setting (a row of the settings table). nullopt = the
  /// default: every swept key except train.seed (default_group_by). Values come from each
  /// run's varying_keys, else from its resolved config, so unswept keys work too.
  std::optional<std::vector<std::string>> group_by;
  /// "md" (default), "csv" or "latex".
  std::string format = "md";
  /// Tables to print, by name (report/report_table_registry.h), always in the registry's
  /// order whatever the order given. Empty = every table whose shown_by_default holds for the
  /// file (e.g. "exposure" and "verdicts" when canaries store exposure, "privacy" when runs
  /// were trained with DP-SGD).
  std::vector<std::string> tables;
  /// When not empty, figures go there (plots.h).
  std::string plots_directory;
  /// When not empty, a result file holding null pairs (configs/paper/calibration.yaml): its
  /// measured false-positive rates and calibration marks go into the verdicts table, and the
  /// calibration table is its. ConfigError when it holds no null pairs.
  std::string calibration_path;
  /// The per-model score the "audit" table thresholds (report/audit_table.h): "exposure"
  /// (default) or "M".
  std::string audit_score = "exposure";
  /// "" = tables; "text" or "md": print only the plain-language statement of each setting
  /// (report/statement.h), as plain text or Markdown.
  std::string statement;
};

/// The report of `file` (read from `source`, named in messages). In markdown the "runs"
/// table is markdown_summary (per-model rows plus summary rows, exactly as printed at
/// the end of `ufm run`); with only that table the output is markdown_summary alone. With
/// several tables each is headed "## <name>" (markdown), "# <name>" (csv, blocks separated
/// by a blank line; select one table for a plain one-header csv) or "% <name>" (LaTeX).
/// Figures are listed in a last markdown line. ConfigError for an unknown format, table or
/// group-by key (naming it and listing the valid ones).
std::string report(const ResultFile& file, const ReportOptions& options, const std::string& source = "the result file");

/// report() of the result file at `path`.
std::string report_result_file(const std::string& path, const ReportOptions& options);

/// report() of several result files as one: their runs together (for example the levels of a
/// sweep run one file each), the root attributes of the first. ConfigError naming both files
/// when one run identity is in two of them.
std::string report_result_files(const std::vector<std::string>& paths, const ReportOptions& options);

}  // namespace ufm
