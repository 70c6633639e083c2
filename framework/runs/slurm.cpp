#include "runs/slurm.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "config/experiment_config.h"
#include "core/error.h"
#include "core/text_file.h"
#include "core/text.h"
#include "runs/experiment_runner.h"
#include "runs/shards.h"
#include "runs/study.h"
#include "storage/pieces.h"
#include "storage/result_file.h"

namespace ufm {
namespace {

namespace fs = std::filesystem;

std::string shell_quote(const std::string& text) {
  const bool plain = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string("_./=:,+-@%").find(c) != std::string::npos;
  });
  if (plain) return text;
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

std::string shell_command(const std::vector<std::string>& words) {
  std::vector<std::string> quoted;
  for (const auto& word : words) quoted.push_back(shell_quote(word));
  return join(quoted, " ");
}

struct Captured {
  int status = -1;
  std::string output;
};

// Runs a command through the shell with stderr folded into stdout.
Captured capture(const std::string& command) {
  Captured result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) result.output.append(buffer, n);
  const int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string last_line(const std::string& text) {
  std::vector<std::string> lines;
  for (auto& line : split(text, '\n')) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines.empty() ? "(no output)" : lines.back();
}

void write_file(const fs::path& path, const std::string& text, bool executable = false) {
  write_text_file(path.string(), text);
  if (executable) {
    fs::permissions(path, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                    fs::perm_options::add);
  }
}

// "<pieces>/slurm/<k>" for the first k not taken (create_directory fails on an existing one,
// so two submissions at once still get different directories).
fs::path new_submission_directory(const std::string& pieces) {
  const fs::path base = fs::path(pieces) / "slurm";
  fs::create_directories(base);
  for (int k = 1;; ++k) {
    const fs::path candidate = base / std::to_string(k);
    if (fs::create_directory(candidate)) return candidate;
  }
}

std::vector<fs::path> submission_directories(const std::string& pieces) {
  std::vector<std::pair<long, fs::path>> found;
  std::error_code error;
  const fs::path base = fs::path(pieces) / "slurm";
  if (!fs::is_directory(base, error)) return {};
  for (const auto& entry : fs::directory_iterator(base)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_directory() && !name.empty() && std::all_of(name.begin(), name.end(), ::isdigit)) {
      found.emplace_back(std::atol(name.c_str()), entry.path());
    }
  }
  std::sort(found.begin(), found.end());
  std::vector<fs::path> paths;
  for (auto& [number, path] : found) paths.push_back(path);
  return paths;
}

std::string sbatch_header(const std::string& job_name, const SlurmOptions& options, int cpus,
                          const std::string& log, const std::string& workdir) {
  std::string header = "#SBATCH --job-name=" + job_name + "\n";
  header += "#SBATCH --output=" + log + "\n";
  header += "#SBATCH --chdir=" + workdir + "\n";
  header += "#SBATCH --cpus-per-task=" + std::to_string(cpus) + "\n";
  if (!options.partition.empty()) header += "#SBATCH --partition=" + options.partition + "\n";
  if (!options.time.empty()) header += "#SBATCH --time=" + options.time + "\n";
  if (!options.mem.empty()) header += "#SBATCH --mem=" + options.mem + "\n";
  return header;
}

// "1 run", "3 runs".
std::string counted(std::size_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

}  // namespace

std::string find_program(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return "";
  for (const auto& directory : split(path, ':')) {
    if (directory.empty()) continue;
    const fs::path candidate = fs::path(directory) / program;
    if (::access(candidate.c_str(), X_OK) == 0 && !fs::is_directory(candidate)) return candidate.string();
  }
  return "";
}

std::optional<std::set<std::string>> queued_slurm_jobs() {
  const std::string squeue = find_program("squeue");
  if (squeue.empty()) return std::nullopt;
  const Captured listed = capture(shell_quote(squeue) + " -h -a -o '%A %F'");
  if (listed.status != 0) return std::nullopt;
  std::set<std::string> jobs;
  std::istringstream words(listed.output);
  std::string word;
  while (words >> word) jobs.insert(word);
  return jobs;
}

std::vector<std::pair<std::string, std::string>> recorded_slurm_jobs(const std::string& pieces) {
  std::vector<std::pair<std::string, std::string>> jobs;
  for (const fs::path& directory : submission_directories(pieces)) {
    std::ifstream in(directory / "jobs.txt");
    std::string id, label;
    while (in >> id >> label) jobs.emplace_back(id, directory.filename().string() + ":" + label);
  }
  return jobs;
}

SlurmSubmission submit_to_slurm(const std::string& config_path, const std::vector<std::string>& overrides,
                                const SlurmOptions& options) {
  const std::string text = read_text_file(config_path, "the experiment config");
  const std::vector<SweepPoint> points = experiment_points(text, config_path, overrides);
  const ExperimentConfig& first = points.front().config;
  UFM_CHECK(first.execution.threads > 0, ConfigError,
            "execution.threads=0 (every core of whatever node a task lands on) makes results depend on the node; "
            "set execution.threads to a fixed count for a cluster");
  // Each array task reads the config on its own node, where auto may pick otherwise.
  UFM_CHECK(std::none_of(points.begin(), points.end(), [](const SweepPoint& p) { return p.automatic_precision; }),
            ConfigError,
            "train.precision=auto picks by the machine, and the nodes of a cluster may differ from this one; set "
            "train.precision to fp32 or bf16 for a cluster");
  UFM_CHECK(options.max_parallel >= 0, ConfigError, "--max-parallel: expected >= 1, got ", options.max_parallel);
  UFM_CHECK(options.shards >= 0, ConfigError, "--shards: expected >= 1, got ", options.shards);
  UFM_CHECK(options.cpus_per_task >= 0, ConfigError, "--cpus-per-task: expected >= 1, got ", options.cpus_per_task);
  std::string sbatch;
  if (!options.dry_run) {
    sbatch = find_program("sbatch");
    UFM_CHECK(!sbatch.empty(), RuntimeError,
              "sbatch: not found on PATH; 'ufm slurm' submits through Slurm's client commands (or use --dry-run "
              "to write the scripts without submitting)");
  }
  const std::string binary =
      options.binary.empty() ? fs::read_symlink("/proc/self/exe").string() : fs::absolute(options.binary).string();
  UFM_CHECK(fs::is_regular_file(binary), ConfigError, "--binary: ", binary, " is not a file");

  SlurmSubmission submission;
  submission.result_path = fs::absolute(first.output.path).lexically_normal().string();
  const std::string pieces = pieces_directory(submission.result_path);
  if (!options.dry_run) {
    if (const auto queued = queued_slurm_jobs()) {
      std::vector<std::string> still;
      for (const auto& [id, label] : recorded_slurm_jobs(pieces)) {
        if (queued->count(id)) still.push_back(id + " (" + label + ")");
      }
      UFM_CHECK(still.empty(), RuntimeError, pieces, ": jobs of an earlier submission are still queued: ",
                join(still), "; wait for them (ufm status) or scancel them before resubmitting");
    }
  }

  check_result_file_matches(submission.result_path, points);
  const ExperimentPlan plan = plan_from_points(points);
  const std::vector<std::string> done_list = completed_runs(submission.result_path);
  const std::set<std::string> done(done_list.begin(), done_list.end());
  submission.runs_planned = plan.runs.size();
  std::set<int> stage_numbers;
  for (const PlannedRun& run : plan.runs) {
    if (done.count(run.identity)) {
      ++submission.runs_done;
    } else {
      stage_numbers.insert(run_stage(run));
    }
  }
  std::set<std::string> merged;
  if (fs::exists(submission.result_path)) {
    for (const auto& identity : stored_run_identities(submission.result_path)) merged.insert(identity);
  }
  const bool needs_merge =
      !stage_numbers.empty() ||
      std::any_of(plan.runs.begin(), plan.runs.end(), [&](const PlannedRun& run) { return !merged.count(run.identity); });
  if (!needs_merge) return submission;  // everything done and merged: nothing to submit

  const fs::path directory = new_submission_directory(pieces);
  submission.directory = directory.string();
  fs::create_directories(directory / "logs");
  const fs::path own_binary = directory / "ufm";
  fs::copy_file(binary, own_binary, fs::copy_options::overwrite_existing);
  fs::permissions(own_binary, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                  fs::perms::others_read | fs::perms::others_exec);
  const fs::path own_config = directory / "config.yaml";
  write_file(own_config, text);
  write_study_description(pieces, StudyDescription{text, overrides});

  const std::string workdir = fs::current_path().string();
  const int cpus = options.cpus_per_task > 0 ? options.cpus_per_task
                                             : first.execution.threads * std::max(1, first.execution.workers);
  std::vector<std::string> run_words = {own_binary.string(), "run", own_config.string()};
  for (const auto& o : overrides) {
    if (o.rfind("output.path=", 0) != 0) run_words.push_back(o);  // replaced by the absolute path below
  }
  run_words.push_back("output.path=" + submission.result_path);

  std::string submit = "#!/bin/bash\n# Submits this directory's job arrays in order; what 'ufm slurm' ran.\nset -euo pipefail\n";
  std::string previous;  // shell variable of the previous stage's job id
  for (int stage : stage_numbers) {
    const int max_tasks = options.shards > 0 ? std::min(options.shards, kMaxArrayTasks) : kMaxArrayTasks;
    const UnitList list = missing_units(plan, done, stage, max_tasks);
    const std::string stem = "stage" + std::to_string(stage);
    const fs::path units = directory / ("units-" + stem + ".txt");
    write_unit_list(units.string(), list);
    SlurmStage entry;
    entry.stage = stage;
    entry.tasks = list.shards;
    for (const auto& unit : list.units) entry.runs += unit.identities.size();

    std::vector<std::string> words = run_words;
    words.insert(words.end(), {"--units", units.string()});
    std::string script = "#!/bin/bash\n";
    script += "# ufm study '" + first.name + "', stage " + std::to_string(stage) + ": " + counted(entry.runs, "run") +
              " in " + counted(static_cast<std::size_t>(list.shards), "array task") + " (one shard each, listed in " +
              units.filename().string() + ").\n";
    script += "# A failed task leaves its finished runs as pieces; rerun 'ufm slurm' with the same arguments\n"
              "# to submit only what is missing.\n";
    script += sbatch_header("ufm-" + first.name + "-" + stem, options, cpus,
                            (directory / "logs" / (stem + "-%a.log")).string(), workdir);
    script += "#SBATCH --array=0-" + std::to_string(list.shards - 1) +
              (options.max_parallel > 0 ? "%" + std::to_string(options.max_parallel) : "") + "\n";
    if (!options.gpus.empty()) script += "#SBATCH --gpus=" + options.gpus + "\n";
    script += "set -euo pipefail\n";
    script += "exec " + shell_command(words) + " --shard \"${SLURM_ARRAY_TASK_ID}/" + std::to_string(list.shards) +
              "\"\n";
    entry.script = (directory / (stem + ".sbatch")).string();
    write_file(entry.script, script, true);
    const std::string dependency =
        previous.empty() ? "" : " --dependency=afterok:${" + previous + "} --kill-on-invalid-dep=yes";
    submit += stem + "=$(sbatch --parsable" + dependency + " " + shell_quote(entry.script) + ")\n";
    submit += stem + "=${" + stem + "%%;*}\n";
    submit += "echo \"$" + stem + " " + stem + "\" >> " + shell_quote((directory / "jobs.txt").string()) + "\n";
    previous = stem;
    submission.stages.push_back(entry);
  }
  std::string merge = "#!/bin/bash\n";
  merge += "# ufm study '" + first.name + "': merges every complete piece into " + submission.result_path + "\n";
  merge += "# once the last stage has ended, whatever its outcome: finished runs never wait on a failed one.\n";
  SlurmOptions merge_options = options;
  merge_options.gpus.clear();
  merge += sbatch_header("ufm-" + first.name + "-merge", merge_options, 1, (directory / "logs" / "merge.log").string(),
                         workdir);
  merge += "set -euo pipefail\n";
  merge += "exec " + shell_command({own_binary.string(), "merge", pieces, "-o", submission.result_path}) + "\n";
  submission.merge_script = (directory / "merge.sbatch").string();
  write_file(submission.merge_script, merge, true);
  submit += "merge=$(sbatch --parsable" + (previous.empty() ? "" : " --dependency=afterany:${" + previous + "}") + " " +
            shell_quote(submission.merge_script) + ")\n";
  submit += "merge=${merge%%;*}\n";
  submit += "echo \"$merge merge\" >> " + shell_quote((directory / "jobs.txt").string()) + "\n";
  submit += "cat " + shell_quote((directory / "jobs.txt").string()) + "\n";
  submission.submit_script = (directory / "submit.sh").string();
  write_file(submission.submit_script, submit, true);
  if (options.dry_run) return submission;

  // The options the user gave, for the message when sbatch refuses one.
  std::string given;
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"partition", options.partition}, {"time", options.time}, {"mem", options.mem}, {"gpus", options.gpus},
           {"cpus-per-task", options.cpus_per_task > 0 ? std::to_string(options.cpus_per_task) : ""}}) {
    if (!value.empty()) given += (given.empty() ? "--" : " --") + name + "=" + value;
  }
  // Submit in order; if sbatch refuses one, cancel what this submission already queued.
  std::vector<std::string> submitted;
  std::ofstream jobs(directory / "jobs.txt");
  auto submit_script = [&](const std::string& script, const std::string& dependency, const std::string& label) {
    std::vector<std::string> words = {sbatch, "--parsable"};
    if (!dependency.empty()) {
      words.push_back(dependency);
      if (dependency.rfind("--dependency=afterok", 0) == 0) words.push_back("--kill-on-invalid-dep=yes");
    }
    words.push_back(script);
    const Captured result = capture(shell_command(words));
    std::string id = last_line(result.output);
    id = id.substr(0, id.find(';'));
    const bool valid = result.status == 0 && !id.empty() && std::all_of(id.begin(), id.end(), ::isdigit);
    if (!valid) {
      const std::string scancel = find_program("scancel");
      if (!submitted.empty() && !scancel.empty()) {
        std::vector<std::string> cancel = {scancel};
        cancel.insert(cancel.end(), submitted.begin(), submitted.end());
        capture(shell_command(cancel));
      }
      throw RuntimeError(detail::concat("sbatch rejected ", script, given.empty() ? "" : " (options: " + given + ")",
                                        ": ", last_line(result.output),
                                        submitted.empty() ? "" : " (cancelled jobs " + join(submitted) + " of this submission)"));
    }
    submitted.push_back(id);
    jobs << id << " " << label << "\n";
    jobs.flush();
    return id;
  };
  std::string previous_id;
  for (SlurmStage& stage : submission.stages) {
    stage.job_id = submit_script(stage.script, previous_id.empty() ? "" : "--dependency=afterok:" + previous_id,
                                 "stage" + std::to_string(stage.stage));
    previous_id = stage.job_id;
  }
  submission.merge_job_id =
      submit_script(submission.merge_script, previous_id.empty() ? "" : "--dependency=afterany:" + previous_id, "merge");
  return submission;
}

}  // namespace ufm
