#include "report/report.h"

#include <algorithm>
#include <optional>
#include <map>
#include <sstream>

#include "core/error.h"
#include "core/text.h"
#include "report/audit_table.h"
#include "report/influence_table.h"
#include "report/one_run_table.h"
#include "report/plots.h"
#include "report/privacy_table.h"
#include "report/privacy_tradeoff_plot.h"
#include "report/unlearning_audit.h"
#include "report/unlearning_table.h"
#include "report/report_tables.h"
#include "report/statement.h"
#include "report/summary_table.h"
#include "report/verdicts.h"
#include "storage/result_file.h"

namespace ufm {
namespace {

const std::vector<std::string> kTableNames = {"settings", "seeds", "exposure", "verdicts", "calibration", "power", "runs", "influence", "privacy", "audit", "one_run", "one_run_reference", "unlearning", "unlearning_cost", "unlearning_audit"};

std::vector<std::string> without_seed(const std::vector<std::string>& keys) {
  std::vector<std::string> out;
  for (const auto& key : keys) {
    if (key != "train.seed") out.push_back(key);
  }
  return out;
}

}  // namespace

std::string report(const ResultFile& file, const ReportOptions& options, const std::string& source) {
  const TableFormat format = parse_table_format(options.format);
  for (const auto& name : options.tables) {
    UFM_CHECK(std::find(kTableNames.begin(), kTableNames.end(), name) != kTableNames.end(), ConfigError,
              "--table: unknown table '", name, "' (valid: ", join(kTableNames), ")");
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
  // A pooled verdict asked for by name over designs that cannot support one is an error.
  for (const char* pooled : {"verdicts", "power"}) {
    if (std::find(options.tables.begin(), options.tables.end(), pooled) != options.tables.end()) {
      check_pooled_verdicts_possible(grouped, pooled);
    }
  }
  if (!options.statement.empty()) {
    UFM_CHECK(options.statement == "text" || options.statement == "md", ConfigError, "--statement: unknown form '",
              options.statement, "' (valid: text, md)");
    return privacy_statement(grouped, file, options.statement == "md", null_pairs ? &*null_pairs : nullptr);
  }
  if (std::find(options.tables.begin(), options.tables.end(), "audit") != options.tables.end()) {
    const std::string refusal = audit_refusal(grouped, options.audit_score);
    UFM_CHECK(refusal.empty(), ConfigError, refusal);
  }
  std::vector<std::string> tables = options.tables;
  if (tables.empty()) {
    // A file of one-run audits alone has no canary or control to tabulate.
    const bool one_run_only = only_one_run_audits(file);
    if (!one_run_only && (options.group_by || !varying_keys(file).empty())) tables.push_back("settings");
    if (seeds_vary(file)) tables.push_back("seeds");
    // Files without exposure or null pairs (all files before issue 8) keep their old report.
    if (has_exposure(file)) tables.insert(tables.end(), {"exposure", "verdicts"});
    if (has_null_pairs(calibration_source)) tables.push_back("calibration");
    if (has_exposure(file) && !power_table(grouped).rows.empty() && !has_null_pairs(file)) tables.push_back("power");
    if (!one_run_only) tables.push_back("runs");
    if (has_influence_runs(file)) tables.push_back("influence");
    if (has_private_runs(file)) tables.push_back("privacy");
    if (has_audit_scores(file) && audit_refusal(grouped, kAuditScoreExposure).empty()) tables.push_back("audit");
    if (has_one_run_audits(file)) tables.push_back("one_run");
    if (has_one_run_references(file)) tables.push_back("one_run_reference");
    if (has_unlearning_runs(file)) tables.insert(tables.end(), {"unlearning", "unlearning_cost", "unlearning_audit"});
  }
  std::ostringstream out;
  bool first = true;
  for (const auto& name : kTableNames) {
    if (std::find(tables.begin(), tables.end(), name) == tables.end()) continue;
    std::string body;
    if (name == "settings") body = render(settings_table(grouped), format);
    if (name == "seeds") {
      const auto seed_keys = without_seed(keys);
      body = render(seed_table(seed_keys.size() == keys.size() ? grouped : group_runs(file, seed_keys, source)),
                    format);
    }
    if (name == "exposure") body = render(exposure_table(grouped), format);
    if (name == "verdicts") body = render(verdict_table(grouped, file, null_pairs ? &*null_pairs : nullptr), format);
    if (name == "calibration") body = render(calibration_table(calibration_source), format);
    if (name == "power") body = render(power_table(grouped), format);
    if (name == "runs") {
      body = format == TableFormat::kMarkdown ? markdown_summary(file, evidence.tests.empty() ? nullptr : &evidence)
                                              : render(run_table(file), format);
    }
    if (name == "influence") body = render(influence_table(file), format);
    if (name == "privacy") body = render(privacy_table(grouped), format);
    if (name == "audit") body = render(audit_table(grouped, options.audit_score), format);
    if (name == "one_run") body = render(one_run_table(file), format);
    if (name == "one_run_reference") body = render(one_run_reference_table(file), format);
    if (name == "unlearning") body = render(unlearning_table(file, null_pairs ? &*null_pairs : nullptr), format);
    if (name == "unlearning_cost") body = render(unlearning_cost_table(file), format);
    if (name == "unlearning_audit") body = render(unlearning_audit_table(file), format);
    if (tables.size() > 1) {
      if (!first) out << "\n";
      switch (format) {
        case TableFormat::kMarkdown: out << "## " << name << "\n\n"; break;
        case TableFormat::kCsv: out << "# " << name << "\n"; break;
        case TableFormat::kLatex: out << "% " << name << "\n"; break;
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
