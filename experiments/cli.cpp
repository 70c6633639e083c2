#include "cli.h"
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
#include "report/one_run_table.h"
#include "report/report.h"
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
namespace {

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
    "  compare BASE.h5 OTHER.h5      did a changed setting (e.g. train.precision) change the science? paired\n"
    "                                differences of accuracy, epochs, time and M, and of every test's verdicts\n"
    "  account --sampling-rate Q --steps T --noise-multiplier S | --target-mu M\n"
    "                                what a DP-SGD schedule costs (epsilon by RDP and PLD, mu-GDP), or the\n"
    "                                noise that meets a target, without training\n"
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

int command_plan(const std::vector<SweepPoint>& points, std::ostream& out) {
  out << plan_table(points);
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
  std::vector<std::string> study_overrides = command.overrides;
  for (const std::string& resolved : automatic_precision_overrides(points)) study_overrides.push_back(resolved);
  run_options.study = StudyDescription{text, study_overrides};
  if (shard) {
    run_options.merge = false;
    run_options.select = shard_selection(*shard, stage, units_file);
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
  if (!only_one_run_audits(result)) out << markdown_summary(result, evidence ? &*evidence : (own.tests.empty() ? nullptr : &own));
  if (has_one_run_audits(result)) out << "\n" << render(one_run_table(result), TableFormat::kMarkdown);
  return 0;
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
    if (command == "compare") return command_compare(rest, out);
    if (command == "account") return command_account(rest, out);
    if (command == "keys") {
      if (rest.size() == 1 && rest[0] == "--markdown") {
        out << key_reference_markdown();
        return 0;
      }
      for (const auto& line : describe_keys()) out << line << "\n";
      return 0;
    }
    err << "ufm: unknown command '" << command << "' (did you mean '"
        << nearest(command, {"run", "plan", "report", "keys", "merge", "slurm", "status", "diff", "compare", "account"}) << "'?)\n"
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
