#include "report/report.h"

#include <algorithm>
#include <optional>
#include <map>
#include <sstream>

#include "core/error.h"
#include "core/text.h"
#include "report/audit_table.h"
#include "report/plots.h"
#include "report/privacy_tradeoff_plot.h"
#include "report/report_table_registry.h"
#include "report/statement.h"
#include "report/unlearning_table.h"
#include "report/one_run_plot.h"
#include "report/verdict_plots.h"
#include "report/verdicts.h"
#include "storage/result_file.h"

namespace ufm {

std::string report(const ResultFile& file, const ReportOptions& options, const std::string& source) {
  const TableFormat format = parse_table_format(options.format);
  const std::vector<std::string> table_names = report_table_names();
  for (const auto& name : options.tables) {
    UFM_CHECK(std::find(table_names.begin(), table_names.end(), name) != table_names.end(), ConfigError,
              "--table: unknown table '", name, "' (valid: ", join(table_names), ")");
  }
  // An unknown --audit-score fails whether or not the audit table is printed (no settings:
  // audit_refusal checks the score alone).
  const std::string unknown_score = audit_refusal(GroupedRuns{}, options.audit_score);
  UFM_CHECK(unknown_score.empty(), ConfigError, unknown_score);
  const std::vector<std::string> keys = options.group_by ? *options.group_by : default_group_by(file);
  // Validates the keys even when the settings table is not printed.
  const GroupedRuns grouped = group_runs(file, keys, source);

  std::optional<ResultFile> null_pairs;
  if (!options.calibration_path.empty()) {
    null_pairs = read_result_file(options.calibration_path);
    UFM_CHECK(has_null_pairs(*null_pairs), ConfigError, "--calibration: ", options.calibration_path,
              " holds no null pairs (expected the result file of a calibration run, feature.decoy: true)");
  }
  const ResultFile& calibration_source = null_pairs ? *null_pairs : file;
  const CalibrationEvidence evidence =
      calibration_evidence(calibration_source, null_pairs ? options.calibration_path : source);
  const ReportInputs inputs{file,     grouped,           keys,     options, null_pairs ? &*null_pairs : nullptr,
                            calibration_source, evidence, format, source};
  // A table asked for by name that the design cannot hold is an error, statement or not.
  for (const ReportTable& table : report_tables()) {
    const bool asked = std::find(options.tables.begin(), options.tables.end(), table.name) != options.tables.end();
    if (asked && table.check_asked) table.check_asked(inputs);
  }
  if (!options.statement.empty()) {
    UFM_CHECK(options.statement == "text" || options.statement == "md", ConfigError, "--statement: unknown form '",
              options.statement, "' (valid: text, md)");
    return privacy_statement(grouped, file, options.statement == "md", null_pairs ? &*null_pairs : nullptr);
  }
  std::vector<const ReportTable*> printed;
  for (const ReportTable& table : report_tables()) {
    const bool asked = std::find(options.tables.begin(), options.tables.end(), table.name) != options.tables.end();
    if (options.tables.empty() ? table.shown_by_default(inputs) : asked) printed.push_back(&table);
  }
  std::ostringstream out;
  bool first = true;
  for (const ReportTable* table : printed) {
    const std::string body = table->render(inputs);
    if (printed.size() > 1) {
      if (!first) out << "\n";
      switch (format) {
        case TableFormat::kMarkdown: out << "## " << table->name << "\n\n"; break;
        case TableFormat::kCsv: out << "# " << table->name << "\n"; break;
        case TableFormat::kLatex: out << "% " << table->name << "\n"; break;
      }
    }
    out << body;
    first = false;
  }
  if (!options.plots_directory.empty()) {
    auto written = write_plots(file, grouped, options.plots_directory);
    for (const auto& path : write_verdict_plots(file, grouped, options.plots_directory)) written.push_back(path);
    const std::string tradeoff = write_privacy_tradeoff_plot(grouped, options.plots_directory);
    if (!tradeoff.empty()) written.push_back(tradeoff);
    const std::string unlearning = write_unlearning_plot(file, options.plots_directory);
    if (!unlearning.empty()) written.push_back(unlearning);
    const std::string one_run = write_one_run_plot(file, options.plots_directory);
    if (!one_run.empty()) written.push_back(one_run);
    if (format == TableFormat::kMarkdown) {
      out << "\nplots (data and .gp scripts beside them): " << join(written) << "\n";
    }
  }
  return out.str();
}

std::string report_result_file(const std::string& path, const ReportOptions& options) {
  // Options are checked before the file is read, so a typo fails fast.
  parse_table_format(options.format);
  return report(read_result_file(path), options, path);
}

std::string report_result_files(const std::vector<std::string>& paths, const ReportOptions& options) {
  UFM_CHECK(!paths.empty(), ConfigError, "ufm report: no result file given");
  if (paths.size() == 1) return report_result_file(paths.front(), options);
  parse_table_format(options.format);
  ResultFile together = read_result_file(paths.front());
  std::map<std::string, std::string> source_of;
  for (const auto& run : together.runs) source_of[run.identity] = paths.front();
  for (std::size_t i = 1; i < paths.size(); ++i) {
    ResultFile more = read_result_file(paths[i]);
    for (auto& run : more.runs) {
      const auto [where, added] = source_of.emplace(run.identity, paths[i]);
      UFM_CHECK(added, ConfigError, paths[i], ": run ", run.identity, " is also in ", where->second,
                "; report files whose runs differ (merge the pieces of one study with ufm merge)");
      together.runs.push_back(std::move(run));
    }
  }
  return report(together, options, join(paths, " + "));
}

}  // namespace ufm
