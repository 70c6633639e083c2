// Commands over result files and pieces: merge, diff, status, report.
#include "commands.h"

#include <boost/program_options.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "config/experiment_config.h"
#include "core/error.h"
#include "core/text_file.h"
#include "core/logging.h"
#include "core/text.h"
#include "report/comparison.h"
#include "report/report.h"
#include "report/report_table_registry.h"
#include "report/summary_table.h"
#include "report/verdicts.h"
#include "runs/experiment_runner.h"
#include "runs/plan_table.h"
#include "runs/shards.h"
#include "runs/slurm.h"
#include "runs/study.h"
#include "runs/training_units.h"
#include "storage/pieces.h"
#include "storage/result_diff.h"
#include "storage/result_file.h"

namespace ufm::cli {

// Positional arguments plus named options, for commands without a config.
po::variables_map parse_command(const std::vector<std::string>& args, const po::options_description& options,
                                const char* positional_name, int positional_count) {
  po::options_description hidden;
  hidden.add_options()(positional_name, po::value<std::vector<std::string>>(), "positional arguments");
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add(positional_name, positional_count);
  po::variables_map values;
  po::store(po::command_line_parser(args).options(all).positional(positional).run(), values);
  po::notify(values);
  return values;
}

int command_merge(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  po::options_description options(
      "ufm merge OUTDIR -o FILE.h5\n"
      "Adds every complete piece of OUTDIR (the <output.path>.d directory, or the result file it belongs to)\n"
      "to FILE.h5, written atomically. Idempotent; keeps every run FILE.h5 holds; skips and lists incomplete\n"
      "and unreadable pieces; refuses pieces whose identity does not match their config, or whose configs\n"
      "differ from the others in a key that is not swept");
  bool help = false;
  std::string target;
  options.add_options()("help,h", po::bool_switch(&help), "show this help")(
      "output,o", po::value<std::string>(&target), "the merged result file (default: OUTDIR without .d)");
  const po::variables_map values = parse_command(args, options, "directory", 1);
  if (help || !values.count("directory")) {
    out << options << "\n";
    return help ? 0 : 1;
  }
  restrict_fault_to_shard(0, std::nullopt);
  const std::string pieces = resolve_pieces_directory(values["directory"].as<std::vector<std::string>>().front());
  if (target.empty()) target = pieces.substr(0, pieces.size() - 2);
  const MergeSummary summary = merge_study(pieces, target);
  for (const auto& path : summary.incomplete) out << "skipped incomplete piece (being written, or left by a crash): " << path << "\n";
  for (const auto& reason : summary.corrupt) out << "skipped unreadable piece: " << reason << "\n";
  out << "merged " << pieces << " into " << target << ": " << summary.runs_before << " runs before, "
      << summary.runs_added << " added, " << summary.runs_after << " now\n";
  return 0;
}

int command_diff(const std::vector<std::string>& args, std::ostream& out) {
  po::options_description options(
      "ufm diff BEFORE.h5 AFTER.h5 [--allow-added] [--tolerance T]\n"
      "Compares two result files run by run, bit for bit: arrays (values, shape, axes, type) and attributes,\n"
      "leaving out what never changes a result (timings, timestamps, host, versions, worker count, output.path).\n"
      "Exit status 0 when they agree, 1 when they differ (one line per difference)");
  bool help = false, allow_added = false;
  double tolerance = 0.0;
  options.add_options()("help,h", po::bool_switch(&help), "show this help")(
      "allow-added", po::bool_switch(&allow_added), "outputs only AFTER has (a new scorer) are not differences")(
      "tolerance", po::value(&tolerance),
      "floating-point values may differ by T·max(1, |BEFORE|) (another CPU's rounding); 0 = bit for bit");
  const po::variables_map values = parse_command(args, options, "files", 2);
  const auto files = values.count("files") ? values["files"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (help || files.size() != 2) {
    out << options << "\n";
    return help ? 0 : 1;
  }
  ResultDiffOptions diff_options;
  diff_options.allow_added = allow_added;
  diff_options.tolerance = tolerance;
  const std::vector<std::string> differences =
      result_differences(read_result_file(files[0]), read_result_file(files[1]), diff_options);
  for (const auto& line : differences) out << line << "\n";
  out << (differences.empty() ? "identical results" : std::to_string(differences.size()) + " difference(s)") << ": "
      << files[0] << " vs " << files[1] << "\n";
  return differences.empty() ? 0 : 1;
}

int command_compare(const std::vector<std::string>& args, std::ostream& out) {
  po::options_description options(
      "ufm compare BASE.h5 OTHER.h5 [--format md|csv|latex]\n"
      "Two result files of one design that differ in some settings (e.g. train.precision=fp32 and bf16):\n"
      "each trained model of BASE is paired with OTHER's model of the same role, seed, canary and swept values.\n"
      "Prints the changed settings, the paired differences (accuracy, epochs, seconds, M, M - control) with\n"
      "95 % intervals, and per test and alpha how many canaries reject in each file with the exact McNemar p");
  bool help = false;
  std::string format_name = "md";
  options.add_options()("help,h", po::bool_switch(&help), "show this help")(
      "format,f", po::value<std::string>(&format_name)->default_value("md"), "md, csv or latex");
  const po::variables_map values = parse_command(args, options, "files", 2);
  const auto files = values.count("files") ? values["files"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (help || files.size() != 2) {
    out << options << "\n";
    return help ? 0 : 1;
  }
  const TableFormat format = parse_table_format(format_name);
  const ResultFile base = read_result_file(files[0]), other = read_result_file(files[1]);
  std::size_t unmatched = 0;
  const std::size_t matched = match_runs(base, other, &unmatched).size();
  UFM_CHECK(matched > 0, ConfigError, files[1], ": no trained model matches one of ", files[0],
            " (same role, seed, canary index and swept values); compare result files of one design");
  out << "base: " << files[0] << "\nother: " << files[1] << "\n";
  const std::vector<std::string> changed = changed_settings(base, other);
  out << "changed settings:" << (changed.empty() ? std::string(" none") : "") << "\n";
  for (const auto& line : changed) out << "  " << line << "\n";
  out << matched << " models matched, " << unmatched << " without a counterpart\n\n";
  for (const Table& table : {paired_runs_table(base, other), verdict_changes_table(base, other)}) {
    if (format == TableFormat::kMarkdown) out << "## " << table.name << "\n\n";
    out << render(table, format) << "\n";
  }
  return 0;
}

int command_status(const std::vector<std::string>& args, std::ostream& out) {
  po::options_description options(
      "ufm status OUTDIR\n"
      "Runs done, running and missing per stage, for the study in OUTDIR (<output.path>.d, or the result file)");
  bool help = false;
  options.add_options()("help,h", po::bool_switch(&help), "show this help");
  const po::variables_map values = parse_command(args, options, "directory", 1);
  if (help || !values.count("directory")) {
    out << options << "\n";
    return help ? 0 : 1;
  }
  const std::string pieces = resolve_pieces_directory(values["directory"].as<std::vector<std::string>>().front());
  const auto queued = queued_slurm_jobs();
  const StudyProgress progress = study_progress(pieces, queued);
  for (const auto& stage : progress.stages) {
    out << "stage " << stage.stage << ": " << stage.runs << " runs, " << stage.done << " done, " << stage.running
        << " running, " << stage.missing << " missing\n";
  }
  out << "total: " << progress.total.runs << " runs, " << progress.total.done << " done, " << progress.total.running
      << " running, " << progress.total.missing << " missing\n";
  out << progress.result_path << " holds " << progress.in_result_file << " runs";
  if (progress.in_result_file < progress.total.done) {
    out << " (ufm merge " << pieces << " -o " << progress.result_path << " adds the other "
        << progress.total.done - progress.in_result_file << ")";
  }
  out << "\n";
  if (progress.stale_markers > 0) {
    out << progress.stale_markers << " run(s) were started by a process that has died; they count as missing\n";
  }
  if (queued) {
    for (const auto& [id, label] : recorded_slurm_jobs(pieces)) {
      if (queued->count(id)) out << "slurm job " << id << " (submission " << label << ") is queued or running\n";
    }
  }
  return 0;
}

int command_report(const std::vector<std::string>& args, std::ostream& out) {
  std::string tables_help;
  for (const ReportTable& table : report_tables()) tables_help += "  " + table.name + ": " + table.description + "\n";
  po::options_description options(
      "ufm report FILE.h5 [FILE.h5 ...] [--group-by KEY ...] [--format md|csv|latex] [--table NAME ...] [--plots DIR]\n"
      "           [--calibration NULL_PAIRS.h5] [--audit-score exposure|M]\n"
      "           [--statement [text|md]]\n"
      "Rebuilds the tables of a result file without retraining (of several as one: their runs together, e.g. the\n"
      "levels of a sweep run one file each). Without --table it prints every table the file has data for:\n" +
      tables_help + "Default grouping: every swept key except train.seed");
  bool help = false;
  std::vector<std::string> group_by, tables;
  ReportOptions report_options;
  options.add_options()("help,h", po::bool_switch(&help), "show this help")(
      "group-by,g", po::value<std::vector<std::string>>(&group_by)->multitoken()->composing(),
      "config keys defining a setting (e.g. model.name train.learning_rate; commas also separate); "
      "swept or not")("format,f", po::value<std::string>(&report_options.format)->default_value("md"),
                      "md, csv or latex")(
      "table,t", po::value<std::vector<std::string>>(&tables)->multitoken()->composing(),
      ("print only these tables: " + join(report_table_names(), ", ")).c_str())(
      "plots,p", po::value<std::string>(&report_options.plots_directory),
      "write PNG figures (gnuplot) with their data and .gp scripts into DIR")(
      "calibration,c", po::value<std::string>(&report_options.calibration_path),
      "a calibration run's result file (null pairs): its measured false-positive rates and "
      "calibration marks go into the verdicts table")(
      "audit-score", po::value<std::string>(&report_options.audit_score)->default_value("exposure"),
      "the per-model score the audit table thresholds: exposure (each model's own rank of the canary's "
      "feature) or M (the authors' score)")(
      "statement", po::value<std::string>(&report_options.statement)->implicit_value("text"),
      "print, instead of tables, a plain-language statement of each setting for a data-protection officer "
      "(what was tested, the memorisation verdict, the audited lower bound, the DP guarantee): text or md");
  po::options_description hidden;
  hidden.add_options()("file", po::value<std::vector<std::string>>(), "result files");
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("file", -1);
  po::variables_map values;
  po::store(po::command_line_parser(args).options(all).positional(positional).run(), values);
  po::notify(values);
  std::vector<std::string> files = values.count("file") ? values["file"].as<std::vector<std::string>>()
                                                        : std::vector<std::string>{};
  // "--group-by KEY FILE.h5": the multitoken option swallowed the files.
  auto is_result_file = [](const std::string& item) {
    return item.size() > 3 && item.compare(item.size() - 3, 3, ".h5") == 0;
  };
  if (files.empty()) {
    while (!group_by.empty() && is_result_file(group_by.back())) {
      files.insert(files.begin(), group_by.back());
      group_by.pop_back();
    }
  }
  if (help || files.empty()) {
    out << options << "\n";
    return help ? 0 : 1;
  }
  const auto split_commas = [](const std::vector<std::string>& items) {
    std::vector<std::string> parts;
    for (const auto& item : items) {
      for (const auto& part : split(item, ',')) {
        if (!part.empty()) parts.push_back(part);
      }
    }
    return parts;
  };
  if (values.count("group-by")) report_options.group_by = split_commas(group_by);
  report_options.tables = split_commas(tables);
  out << report_result_files(files, report_options);
  return 0;
}

}  // namespace ufm::cli
