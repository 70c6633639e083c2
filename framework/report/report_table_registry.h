#pragma once
/// The tables `ufm report` can print, in print order: a new table is one .h/.cpp pair that
/// builds it plus one entry here (name, description, when it is shown by default, how it is
/// rendered). report.cpp and the command's help read this list; nothing else names a table.
#include <functional>
#include <string>
#include <vector>

#include "report/calibration.h"
#include "report/report.h"
#include "report/settings.h"
#include "report/table.h"
#include "storage/run_record.h"

namespace ufm {

/// What a table may read: the file, its settings under the chosen keys, the options, and the
/// null pairs the verdicts are calibrated on (the --calibration file, else the file itself).
struct ReportInputs {
  const ResultFile& file;
  const GroupedRuns& grouped;
  const std::vector<std::string>& keys;
  const ReportOptions& options;
  const ResultFile* null_pairs;  ///< the --calibration file; nullptr without one
  const ResultFile& calibration_source;
  const CalibrationEvidence& evidence;
  TableFormat format;
  std::string source;
};

struct ReportTable {
  std::string name;
  std::string description;  ///< one phrase, for `ufm report --help`
  /// Printed when no --table is given and this returns true.
  std::function<bool(const ReportInputs&)> shown_by_default;
  /// The rendered body in inputs.format.
  std::function<std::string(const ReportInputs&)> render;
  /// Asked for by name: ConfigError when the design cannot hold this table (nothing when
  /// unset).
  std::function<void(const ReportInputs&)> check_asked;
};

/// Every table, in the order they print.
const std::vector<ReportTable>& report_tables();

/// The tables' names, in print order.
std::vector<std::string> report_table_names();

}  // namespace ufm
