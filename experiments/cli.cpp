#include "cli.h"

#include <boost/program_options.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

#include "config/experiment_config.h"
#include "core/error.h"
#include "core/logging.h"
#include "core/text.h"
#include "report/report.h"
#include "report/summary_table.h"
#include "runs/experiment_runner.h"
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
    "                                print the table (resumes: runs already stored are skipped)\n"
    "  plan CONFIG [key=value ...]   list the runs an experiment needs, training nothing\n"
    "  report FILE.h5 [options]      tables (md, csv, latex) and plots of a result file without retraining\n"
    "  keys                          list every config key with its default\n"
    "\n"
    "Run 'ufm <command> --help' for the options of a command.\n";

std::string read_text_file(const std::string& path) {
  std::ifstream in(path);
  UFM_CHECK(in.good(), DataError, path, ": cannot open the config file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

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

int command_run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, bool plan_only) {
  po::options_description options(plan_only ? "ufm plan CONFIG [key=value ...]" : "ufm run CONFIG [key=value ...]");
  ConfigCommand command = parse_config_command(args, options);
  if (command.help || command.config_path.empty()) {
    out << options << "\n"
        << "Overrides set any config key, e.g. train.max_epochs=2 canaries.count=2 evaluation.save_probes=true "
           "output.path=/tmp/x.h5\n"
        << "List values in YAML syntax: canaries.indices=[1,2,3]. 'ufm keys' lists every key.\n";
    return command.help ? 0 : 1;
  }
  if (command.quiet) set_log_level(LogLevel::kQuiet);
  const std::string text = read_text_file(command.config_path);
  std::vector<SweepPoint> points = experiment_points(text, command.config_path, command.overrides);
  if (plan_only) {
    const ExperimentPlan plan = plan_from_points(points);
    const std::string output = points.front().config.output.path;
    const auto done_list = completed_runs(output);
    std::size_t done = 0;
    out << "| identity | run | seed | varying | done |\n|---|---|---|---|---|\n";
    for (const auto& run : plan.runs) {
      const bool complete = std::find(done_list.begin(), done_list.end(), run.identity) != done_list.end();
      done += complete ? 1 : 0;
      out << "| " << run.identity << " | " << (run.is_control() ? "control" : "canary " + std::to_string(run.canary_index))
          << " | " << run.config.train.seed << " | " << join(run.varying, " ") << " | " << (complete ? "yes" : "no")
          << " |\n";
    }
    out << "\n" << plan.runs.size() << " runs, " << done << " done, " << plan.runs.size() - done << " to run → "
        << output << "\n";
    return 0;
  }
  std::string overrides_text;
  for (const auto& o : command.overrides) overrides_text += "\n# override: " + o;
  const ExperimentOutcome outcome = run_experiment(points, text + overrides_text);
  out << markdown_summary(read_result_file(outcome.result_path));
  return 0;
}

int command_report(const std::vector<std::string>& args, std::ostream& out) {
  po::options_description options(
      "ufm report FILE.h5 [--group-by KEY ...] [--format md|csv|latex] [--table NAME ...] [--plots DIR]\n"
      "Rebuilds the tables of a result file without retraining. Tables: settings (one row per setting:\n"
      "M mean/sd, fraction M > 0, fraction p(t) < 0.05, canary-minus-control M with one-sided t and\n"
      "Wilcoxon tests, test accuracy), seeds (between-seed spread of M per canary, when train.seed\n"
      "varies), exposure (per canary: exposure and p against candidates and control), verdicts (pooled exposure p-values, sign/Wilcoxon on M - control, when canaries store\n"
      "exposure), calibration (false-positive rates on null pairs), power (pooled p against the number\n"
      "of pairs), runs (one row per model). Default grouping: every swept key except train.seed");
  bool help = false;
  std::vector<std::string> group_by, tables;
  ReportOptions report_options;
  options.add_options()("help,h", po::bool_switch(&help), "show this help")(
      "group-by,g", po::value<std::vector<std::string>>(&group_by)->multitoken()->composing(),
      "config keys defining a setting (e.g. model.name train.learning_rate; commas also separate); "
      "swept or not")("format,f", po::value<std::string>(&report_options.format)->default_value("md"),
                      "md, csv or latex")(
      "table,t", po::value<std::vector<std::string>>(&tables)->multitoken()->composing(),
      "print only these tables: settings, seeds, exposure, verdicts, calibration, power, runs")(
      "plots,p", po::value<std::string>(&report_options.plots_directory),
      "write PNG figures (gnuplot) with their data and .gp scripts into DIR");
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
    if (command == "keys") {
      for (const auto& line : describe_keys()) out << line << "\n";
      return 0;
    }
    err << "ufm: unknown command '" << command << "' (did you mean '"
        << nearest(command, {"run", "plan", "report", "keys"}) << "'?)\n"
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
