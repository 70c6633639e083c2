#pragma once
/// Shards: a balanced 1/N of one stage's units of work, so N processes (a Slurm job array,
/// GNU parallel, a Kubernetes indexed job) can share a sweep without talking to each other.
/// Every shard of a stage must see the same assignment, so it is either read from a unit
/// list written once when the work was handed out, or computed from the stage's whole unit
/// list (done runs included), which does not change while the shards run.
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "runs/run_plan.h"
#include "runs/training_units.h"

namespace ufm {

/// Shard `index` of `count` (0 <= index < count).
struct ShardSpec {
  int index = 0;
  int count = 1;
};

/// Parses "I/N" (`option` names the flag or variable in errors). ConfigError for any other
/// syntax, N < 1 or I >= N.
ShardSpec parse_shard(const std::string& text, const std::string& option = "--shard");

/// The shard of a Slurm array task: SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN of
/// SLURM_ARRAY_TASK_COUNT. nullopt outside an array task; ConfigError naming the variable
/// when they are inconsistent (e.g. a non-contiguous array).
std::optional<ShardSpec> shard_from_slurm_environment();

/// Shard of each unit: longest first onto the least-loaded shard (lowest index on ties), so
/// loads differ by at most the largest unit. Deterministic in `costs` alone.
std::vector<int> assign_shards(const std::vector<double>& costs, int shards);

/// What a unit costs to train: its runs times their epoch budget.
double unit_cost(const ExperimentPlan& plan, const TrainingUnit& unit);

/// The lowest stage with a run not in `done`; 0 when every run is done.
int current_stage(const ExperimentPlan& plan, const std::set<std::string>& done);

/// A stage's units and who does what, as handed to the shards of one job array.
struct UnitList {
  int stage = 1;
  int shards = 1;
  struct Entry {
    int shard = 0;
    std::vector<std::string> identities;
  };
  std::vector<Entry> units;
};

/// The not-yet-done runs of `stage` as units, spread over min(`shards`, units) shards
/// (`shards` = 0: one shard per unit). Units keep only their missing runs.
UnitList missing_units(const ExperimentPlan& plan, const std::set<std::string>& done, int stage, int shards);

/// Writes a unit list (temporary name, then rename). Text: "# comments", "stage S",
/// "shards N", then one "unit SHARD ID[,ID...]" line per unit.
void write_unit_list(const std::string& path, const UnitList& list);

/// Reads a unit list; DataError naming the file and line when malformed.
UnitList read_unit_list(const std::string& path);

/// Which runs one shard trains.
struct ShardRequest {
  ShardSpec shard;
  /// 0 = the current stage (ignored with a unit list, which names its stage).
  int stage = 0;
  /// A unit list written at submission; "" = compute the assignment from the plan.
  std::string units_file;
};

/// Identities of the runs shard `request.shard` owns (done ones included; the runner skips
/// those). ConfigError when a unit list was written for another shard count, or names a run
/// this plan does not have (the config changed since submission).
std::vector<std::string> shard_runs(const ExperimentPlan& plan, const std::set<std::string>& done,
                                    const ShardRequest& request);

/// The run selection of one shard (RunOptions::select): shard `shard` of `stage` (0 = the
/// lowest stage with missing runs), or of the unit list in `units_file` when given. Logs
/// which shard of which stage it runs and arms a fault hook only in that shard.
std::function<std::vector<std::string>(const ExperimentPlan&, const std::set<std::string>& done)> shard_selection(
    ShardSpec shard, int stage, std::string units_file);

/// Test hook: with UFM_FAULT_SHARD="S:I" set, UFM_FAULT (core/fault_injection.h) stays armed
/// only in the process that runs shard I of stage S, so one task of a job array can be made
/// to die. Call before any fault point is passed.
void restrict_fault_to_shard(int stage, const std::optional<ShardSpec>& shard);

}  // namespace ufm
