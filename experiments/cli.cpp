#include "cli.h"

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
#include "report/report.h"
#include "report/summary_table.h"
#include "report/verdicts.h"
#include "runs/experiment_runner.h"
#include "runs/shards.h"
#include "runs/slurm.h"
#include "runs/study.h"
#include "runs/training_units.h"
#include "storage/pieces.h"
#include "storage/result_diff.h"
#include "storage/result_file.h"

namespace ufm::cli {
namespace {

namespace po = boost::program_options;

constexpr const char* kUsage =
    "ufm: measure unintended memorisation of unique features (Hartley & Tsaftaris, arXiv 2205.10079)\n"
    "\n"
    "usage: ufm <command> [options]\n"
    "\n"
    "commands:\n"
    "  run CONFIG [key=value ...]    train canary and control models, score them, write the result file,\n"
    "                                print the table (resumes: runs already stored are skipped);\n"
    "                                --shard I/N trains only shard I of N and writes pieces only\n"
    "  plan CONFIG [key=value ...]   list the runs an experiment needs (stage, unit, done), training nothing\n"
    "  merge OUTDIR -o FILE.h5       merge every complete piece of OUTDIR (<output.path>.d) into FILE.h5\n"
    "  slurm CONFIG [key=value ...]  write and submit Slurm job arrays for the missing runs, then a merge job\n"
    "  status OUTDIR                 how many runs are done, running and missing (per stage)\n"
    "  report FILE.h5 [options]      tables (md, csv, latex) and plots of a result file without retraining\n"
    "  diff BEFORE.h5 AFTER.h5       compare two result files run by run, bit for bit (timings excepted)\n"
    "  keys [--markdown]             list every config key with its default and allowed values\n"
    "\n"
    "Run 'ufm <command> --help' for the options of a command.\n";

struct ConfigCommand {
  std::string config_path;
  std::vector<std::string> overrides;
  bool quiet = false;
  bool help = false;
};

// Parses "CONFIG [key=value ...] [--quiet]".
ConfigCommand parse_config_command(const std::vector<std::string>& args, po::options_description& options) {
  ConfigCommand command;
  options.add_options()("help,h", po::bool_switch(&command.help), "show this help")(
      "quiet,q", po::bool_switch(&command.quiet), "no progress lines");
  po::options_description hidden;
  hidden.add_options()("positional", po::value<std::vector<std::string>>(), "config and overrides");
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("positional", -1);
  po::variables_map values;
  po::store(po::command_line_parser(args).options(all).positional(positional).run(), values);
  po::notify(values);
  if (values.count("positional")) {
    auto items = values["positional"].as<std::vector<std::string>>();
    command.config_path = items.front();
    command.overrides.assign(items.begin() + 1, items.end());
  }
  return command;
}

std::string describe_run(const PlannedRun& run) {
  return run.is_control() ? "control" : "canary " + std::to_string(run.canary_index);
}

int command_plan(const std::vector<SweepPoint>& points, std::ostream& out) {
  const ExperimentPlan plan = plan_from_points(points);
  const std::string output = points.front().config.output.path;
  const auto done_list = completed_runs(output);
  const std::set<std::string> done(done_list.begin(), done_list.end());
  const std::vector<TrainingUnit> units = training_units(plan, parallel_models(points.front().config));
  std::vector<std::size_t> unit_of(plan.runs.size(), 0);
  for (std::size_t u = 0; u < units.size(); ++u) {
    for (std::size_t run : units[u].runs) unit_of[run] = u;
  }
  struct Totals {
    std::size_t runs = 0, done = 0;
    std::set<std::size_t> units;
  };
  std::map<int, Totals> stages;
  out << "| identity | run | seed | stage | unit | varying | done |\n|---|---|---|---|---|---|---|\n";
  for (std::size_t i = 0; i < plan.runs.size(); ++i) {
    const PlannedRun& run = plan.runs[i];
    const bool complete = done.count(run.identity) > 0;
    Totals& stage = stages[run_stage(run)];
    ++stage.runs;
    stage.done += complete ? 1 : 0;
    stage.units.insert(unit_of[i]);
    out << "| " << run.identity << " | " << describe_run(run) << " | " << run.config.train.seed << " | "
        << run_stage(run) << " | " << unit_of[i] << " | " << join(run.varying, " ") << " | "
        << (complete ? "yes" : "no") << " |\n";
  }
  out << "\n";
  std::size_t total_done = 0;
  for (const auto& [number, stage] : stages) {
    total_done += stage.done;
    out << "stage " << number << ": " << stage.runs << " runs in " << stage.units.size() << " units, " << stage.done
        << " done, " << stage.runs - stage.done << " to run\n";
  }
  out << plan.runs.size() << " runs, " << total_done << " done, " << plan.runs.size() - total_done << " to run → "
      << output << "\n";
  for (std::size_t p : plan.pending_points) {
    const ExperimentConfig& point = plan.points[p].config;
    out << "canaries " << point.canaries.select << " (k = " << point.influence.k << ")"
        << (plan.points[p].varying.empty() ? "" : " of " + join(plan.points[p].varying, " "))
        << ": chosen after stage 1 (the control's self-influence and confidence)\n";
  }
  return 0;
}

int command_run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, bool plan_only) {
  po::options_description options(plan_only ? "ufm plan CONFIG [key=value ...]" : "ufm run CONFIG [key=value ...]");
  std::string shard_text, units_file, calibration_path;
  int stage = 0;
  bool no_merge = false;
  if (!plan_only) {
    options.add_options()("shard", po::value<std::string>(&shard_text),
                          "I/N: train only shard I of N (counting from 0) of the current stage's units and write "
                          "pieces only (no merge); default in a Slurm array task: from SLURM_ARRAY_TASK_ID, "
                          "SLURM_ARRAY_TASK_COUNT and SLURM_ARRAY_TASK_MIN")(
        "stage", po::value<int>(&stage), "with --shard: this stage instead of the lowest one with missing runs")(
        "units", po::value<std::string>(&units_file),
        "with --shard: the unit list written at submission (who does what), instead of computing it")(
        "no-merge", po::bool_switch(&no_merge), "write pieces only; 'ufm merge' combines them later")(
        "calibration", po::value<std::string>(&calibration_path),
        "a calibration run's result file (null pairs): the summary prints its measured false-positive rates "
        "beside the tests they cover");
  }
  ConfigCommand command = parse_config_command(args, options);
  if (command.help || command.config_path.empty()) {
    out << options << "\n"
        << "Overrides set any config key, e.g. train.max_epochs=2 canaries.count=2 evaluation.save_probes=true "
           "output.path=/tmp/x.h5\n"
        << "List values in YAML syntax: canaries.indices=[1,2,3]. 'ufm keys' lists every key.\n";
    return command.help ? 0 : 1;
  }
  if (command.quiet) set_log_level(LogLevel::kQuiet);
  // Read before training, so a wrong calibration file fails before anything is written.
  std::optional<CalibrationEvidence> evidence;
  if (!calibration_path.empty()) {
    const ResultFile null_pairs = read_result_file(calibration_path);
    UFM_CHECK(has_null_pairs(null_pairs), ConfigError, "--calibration: ", calibration_path,
              " holds no null pairs (expected the result file of a calibration run, feature.decoy: true)");
    evidence = calibration_evidence(null_pairs, calibration_path);
  }
  const std::string text = read_text_file(command.config_path, "the experiment config");
  std::vector<SweepPoint> points = experiment_points(text, command.config_path, command.overrides);
  if (plan_only) return command_plan(points, out);

  std::optional<ShardSpec> shard;
  if (!shard_text.empty()) {
    shard = parse_shard(shard_text);
  } else {
    shard = shard_from_slurm_environment();
  }
  UFM_CHECK(shard || units_file.empty(), ConfigError, "--units ", units_file,
            ": needs --shard I/N (or a Slurm array task) to know which of its shards to run");
  UFM_CHECK(stage >= 0, ConfigError, "--stage: expected a stage number >= 1, got ", stage);
  if (stage > 0 && !shard) shard = ShardSpec{0, 1};
  RunOptions run_options;
  run_options.study = StudyDescription{text, command.overrides};
  if (shard) {
    run_options.merge = false;
    run_options.select = [&](const ExperimentPlan& plan, const std::set<std::string>& done) {
      ShardRequest request{*shard, stage, units_file};
      if (units_file.empty()) {
        if (request.stage == 0) request.stage = current_stage(plan, done);
      } else {
        request.stage = read_unit_list(units_file).stage;
      }
      restrict_fault_to_shard(request.stage, shard);
      log_info("shard " + std::to_string(shard->index) + "/" + std::to_string(shard->count) + " of stage " +
               std::to_string(request.stage) + (units_file.empty() ? "" : " (units from " + units_file + ")"));
      return shard_runs(plan, done, request);
    };
  } else {
    restrict_fault_to_shard(0, std::nullopt);
    run_options.merge = !no_merge;
  }
  std::string overrides_text;
  for (const auto& o : command.overrides) overrides_text += "\n# override: " + o;
  const ExperimentOutcome outcome = run_experiment(points, text + overrides_text, run_options);
  if (!run_options.merge) {
    out << "trained " << outcome.runs_trained << " of " << outcome.runs_planned << " runs; pieces in "
        << pieces_directory(outcome.result_path) << "\n";
    return 0;
  }
  const ResultFile result = read_result_file(outcome.result_path);
  CalibrationEvidence own;
  if (!evidence && has_null_pairs(result)) own = calibration_evidence(result, outcome.result_path);
  out << markdown_summary(result, evidence ? &*evidence : (own.tests.empty() ? nullptr : &own));
  return 0;
}

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

int command_slurm(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  po::options_description options(
      "ufm slurm CONFIG [key=value ...] [options]\n"
      "Writes one Slurm job array per stage of the missing runs (one array task per shard, chained with\n"
      "afterok) and a merge job (afterany), into <output.path>.d/slurm/<n>/ with a copy of this ufm binary\n"
      "and of the config, and submits them with sbatch. Run it again to submit only what is still missing");
  SlurmOptions slurm;
  options.add_options()("partition", po::value<std::string>(&slurm.partition), "sbatch --partition")(
      "time", po::value<std::string>(&slurm.time), "sbatch --time per array task (e.g. 2:00:00)")(
      "cpus-per-task", po::value<int>(&slurm.cpus_per_task),
      "sbatch --cpus-per-task (default execution.threads x execution.workers)")(
      "mem", po::value<std::string>(&slurm.mem), "sbatch --mem per task (e.g. 4G)")(
      "gpus", po::value<std::string>(&slurm.gpus), "sbatch --gpus per array task")(
      "max-parallel", po::value<int>(&slurm.max_parallel), "at most K tasks of an array at once (%K)")(
      "shards", po::value<int>(&slurm.shards), "array tasks per stage (default one per unit of work, at most 1000)")(
      "binary", po::value<std::string>(&slurm.binary), "the ufm binary to copy (default: this one)")(
      "dry-run", po::bool_switch(&slurm.dry_run), "write and print the scripts, submit nothing");
  ConfigCommand command = parse_config_command(args, options);
  if (command.help || command.config_path.empty()) {
    out << options << "\n";
    return command.help ? 0 : 1;
  }
  if (command.quiet) set_log_level(LogLevel::kQuiet);
  const SlurmSubmission submission = submit_to_slurm(command.config_path, command.overrides, slurm);
  out << submission.runs_planned << " runs, " << submission.runs_done << " done, "
      << submission.runs_planned - submission.runs_done << " to run → " << submission.result_path << "\n";
  if (submission.directory.empty()) {
    out << "nothing to submit: every run is done and merged\n";
    return 0;
  }
  if (slurm.dry_run) {
    for (const auto& stage : submission.stages) {
      out << "\n==> " << stage.script << " <==\n" << std::ifstream(stage.script).rdbuf();
    }
    out << "\n==> " << submission.merge_script << " <==\n" << std::ifstream(submission.merge_script).rdbuf();
    out << "\n==> " << submission.submit_script << " <==\n" << std::ifstream(submission.submit_script).rdbuf();
    out << "\ndry run: nothing submitted; submit with: bash " << submission.submit_script << "\n";
    return 0;
  }
  for (const auto& stage : submission.stages) {
    out << "stage " << stage.stage << ": job " << stage.job_id << " (" << stage.runs << (stage.runs == 1 ? " run" : " runs")
        << " in " << stage.tasks << (stage.tasks == 1 ? " array task" : " array tasks") << ")\n";
  }
  out << "merge: job " << submission.merge_job_id << " → " << submission.result_path << "\n";
  out << "scripts and logs: " << submission.directory << "\n";
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
  po::options_description options(
      "ufm report FILE.h5 [--group-by KEY ...] [--format md|csv|latex] [--table NAME ...] [--plots DIR]\n"
      "           [--calibration NULL_PAIRS.h5]\n"
      "Rebuilds the tables of a result file without retraining. Tables: settings (one row per setting:\n"
      "M mean/sd, fraction M > 0, fraction p(t) < 0.05, canary-minus-control M with one-sided t and\n"
      "Wilcoxon tests, test accuracy), seeds (between-seed spread of M per canary, when train.seed\n"
      "varies), exposure (per canary: exposure and p against candidates and control), verdicts (pooled exposure p-values, sign/Wilcoxon on M - control, when canaries store\n"
      "exposure), calibration (false-positive rates on null pairs), power (pooled p against the number\n"
      "of pairs), runs (one row per model), influence (M and self-influence ranks before/after\n"
      "stamping per selection group). Default grouping: every swept key except train.seed");
  bool help = false;
  std::vector<std::string> group_by, tables;
  ReportOptions report_options;
  options.add_options()("help,h", po::bool_switch(&help), "show this help")(
      "group-by,g", po::value<std::vector<std::string>>(&group_by)->multitoken()->composing(),
      "config keys defining a setting (e.g. model.name train.learning_rate; commas also separate); "
      "swept or not")("format,f", po::value<std::string>(&report_options.format)->default_value("md"),
                      "md, csv or latex")(
      "table,t", po::value<std::vector<std::string>>(&tables)->multitoken()->composing(),
      "print only these tables: settings, seeds, exposure, verdicts, calibration, power, runs, influence")(
      "plots,p", po::value<std::string>(&report_options.plots_directory),
      "write PNG figures (gnuplot) with their data and .gp scripts into DIR")(
      "calibration,c", po::value<std::string>(&report_options.calibration_path),
      "a calibration run's result file (null pairs): its measured false-positive rates and "
      "calibration marks go into the verdicts table");
  po::options_description hidden;
  hidden.add_options()("file", po::value<std::string>(), "result file");
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map values;
  po::store(po::command_line_parser(args).options(all).positional(positional).run(), values);
  po::notify(values);
  std::string file = values.count("file") ? values["file"].as<std::string>() : "";
  // "--group-by KEY FILE.h5": the multitoken option swallowed the file.
  if (file.empty() && !group_by.empty() && group_by.back().size() > 3 &&
      group_by.back().compare(group_by.back().size() - 3, 3, ".h5") == 0) {
    file = group_by.back();
    group_by.pop_back();
  }
  if (help || file.empty()) {
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
  out << report_result_file(file, report_options);
  return 0;
}

}  // namespace

int run_command_line(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  try {
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
      out << kUsage;
      return args.empty() ? 1 : 0;
    }
    const std::string command = args[0];
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (command == "run") return command_run(rest, out, err, false);
    if (command == "plan") return command_run(rest, out, err, true);
    if (command == "report") return command_report(rest, out);
    if (command == "merge") return command_merge(rest, out, err);
    if (command == "slurm") return command_slurm(rest, out, err);
    if (command == "status") return command_status(rest, out);
    if (command == "diff") return command_diff(rest, out);
    if (command == "keys") {
      if (rest.size() == 1 && rest[0] == "--markdown") {
        out << key_reference_markdown();
        return 0;
      }
      for (const auto& line : describe_keys()) out << line << "\n";
      return 0;
    }
    err << "ufm: unknown command '" << command << "' (did you mean '"
        << nearest(command, {"run", "plan", "report", "keys", "merge", "slurm", "status", "diff"}) << "'?)\n"
        << kUsage;
    return 1;
  } catch (const Error& error) {
    err << "ufm: " << error.kind_name() << " error: " << error.what() << "\n";
    return 2;
  } catch (const po::error& error) {
    err << "ufm: " << error.what() << "\n";
    return 1;
  } catch (const std::exception& error) {
    err << "ufm: error: " << error.what() << "\n";
    return 2;
  }
}

}  // namespace ufm::cli
