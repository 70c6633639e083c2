#pragma once
/// Handing a sweep to Slurm: one job array per stage (one array task per shard), chained with
/// afterok, and a final merge job. The scripts run a private copy of the ufm binary and of the
/// config (in "<output.path>.d/slurm/<submission>/"), so rebuilding ufm or editing the config
/// never changes a study that is queued or running. We do not schedule: Slurm does.
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ufm {

struct SlurmOptions {
  std::string partition;  ///< --partition; "" = the cluster's default
  std::string time;       ///< --time per array task; "" = the partition's default
  std::string mem;        ///< --mem per task; "" = the partition's default
  std::string gpus;       ///< --gpus per task; "" = none
  /// --cpus-per-task; 0 = execution.threads × execution.workers.
  int cpus_per_task = 0;
  /// Array throttle %K: at most K tasks of a stage at once; 0 = no limit.
  int max_parallel = 0;
  /// Array tasks per stage; 0 = one per unit of work (at most kMaxArrayTasks).
  int shards = 0;
  /// The ufm binary to copy; "" = this program (/proc/self/exe).
  std::string binary;
  /// Write the scripts and print them, submit nothing.
  bool dry_run = false;
};

/// Slurm's default MaxArraySize is 1001 (task ids 0..1000).
constexpr int kMaxArrayTasks = 1000;

struct SlurmStage {
  int stage = 0;
  std::size_t runs = 0;
  int tasks = 0;
  std::string script;
  std::string job_id;  ///< "" on a dry run
};

struct SlurmSubmission {
  std::string directory;     ///< the submission's own directory
  std::string result_path;   ///< absolute output.path, where the merge job writes
  std::size_t runs_planned = 0;
  std::size_t runs_done = 0;
  std::vector<SlurmStage> stages;  ///< only stages with missing runs
  std::string merge_script;        ///< "" when everything is merged already
  std::string merge_job_id;
  std::string submit_script;       ///< submit.sh: the sbatch calls, for a dry run or by hand
};

/// Plans the study of `config_path` + `overrides`, writes the scripts for its missing runs and,
/// unless a dry run, submits them with `sbatch --parsable` (job ids in the result). Checks
/// before writing anything: sbatch on PATH (RuntimeError), no earlier submission of this study
/// still queued (RuntimeError naming its jobs), a fixed thread count (ConfigError). If sbatch
/// rejects a script, the jobs of this submission already queued are cancelled and RuntimeError
/// quotes sbatch's message and names the script.
SlurmSubmission submit_to_slurm(const std::string& config_path, const std::vector<std::string>& overrides,
                                const SlurmOptions& options);

/// Full path of `program` on PATH, "" when absent.
std::string find_program(const std::string& program);

/// Job ids in Slurm's queue (job and array-job ids), nullopt without a working squeue.
std::optional<std::set<std::string>> queued_slurm_jobs();

/// "id stage" lines of every submission recorded for this study, oldest first.
std::vector<std::pair<std::string, std::string>> recorded_slurm_jobs(const std::string& pieces_directory);

}  // namespace ufm
