#include "runs/shards.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <sstream>
#include <unistd.h>

#include "core/error.h"
#include "core/logging.h"
#include "core/text_file.h"
#include "core/text.h"

namespace ufm {
namespace {

namespace fs = std::filesystem;

// A whole non-negative decimal number, or nullopt.
std::optional<long long> parse_count(const std::string& text) {
  if (text.empty() || text.size() > 9 || !std::all_of(text.begin(), text.end(), ::isdigit)) return std::nullopt;
  return std::stoll(text);
}

std::optional<long long> environment_number(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  const auto number = parse_count(value);
  UFM_CHECK(number.has_value(), ConfigError, name, ": expected a whole number, got '", value, "'");
  return number;
}

}  // namespace

ShardSpec parse_shard(const std::string& text, const std::string& option) {
  const auto slash = text.find('/');
  const auto index = slash == std::string::npos ? std::nullopt : parse_count(text.substr(0, slash));
  const auto count = slash == std::string::npos ? std::nullopt : parse_count(text.substr(slash + 1));
  UFM_CHECK(index && count, ConfigError, option, ": expected I/N (shard I of N, counting from 0, e.g. 0/4), got '",
            text, "'");
  UFM_CHECK(*count >= 1, ConfigError, option, ": the shard count N must be at least 1, got '", text, "'");
  UFM_CHECK(*index < *count, ConfigError, option, ": the shard index I must be less than N (0 to ", *count - 1,
            "), got '", text, "'");
  return ShardSpec{static_cast<int>(*index), static_cast<int>(*count)};
}

std::optional<ShardSpec> shard_from_slurm_environment() {
  const auto id = environment_number("SLURM_ARRAY_TASK_ID");
  if (!id) return std::nullopt;
  const auto count = environment_number("SLURM_ARRAY_TASK_COUNT");
  const auto min = environment_number("SLURM_ARRAY_TASK_MIN");
  UFM_CHECK(count && min, ConfigError,
            "SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT or SLURM_ARRAY_TASK_MIN is not; pass --shard I/N");
  const long long index = *id - *min;
  UFM_CHECK(*count >= 1 && index >= 0 && index < *count, ConfigError, "SLURM_ARRAY_TASK_ID=", *id,
            " is not one of ", *count, " consecutive tasks from SLURM_ARRAY_TASK_MIN=", *min,
            " (a non-contiguous array?); pass --shard I/N");
  return ShardSpec{static_cast<int>(index), static_cast<int>(*count)};
}

std::vector<int> assign_shards(const std::vector<double>& costs, int shards) {
  UFM_CHECK(shards >= 1, ConfigError, "shard count: expected >= 1, got ", shards);
  std::vector<std::size_t> order(costs.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return costs[a] > costs[b]; });
  std::vector<double> load(static_cast<std::size_t>(shards), 0.0);
  std::vector<int> shard_of(costs.size(), 0);
  for (std::size_t unit : order) {
    const auto lightest = std::min_element(load.begin(), load.end()) - load.begin();
    shard_of[unit] = static_cast<int>(lightest);
    load[static_cast<std::size_t>(lightest)] += costs[unit];
  }
  return shard_of;
}

double unit_cost(const ExperimentPlan& plan, const TrainingUnit& unit) {
  double cost = 0.0;
  for (std::size_t run : unit.runs) cost += static_cast<double>(std::max<std::int64_t>(1, plan.runs[run].config.train.max_epochs));
  return cost;
}

int current_stage(const ExperimentPlan& plan, const std::set<std::string>& done) {
  int stage = 0;
  for (const PlannedRun& run : plan.runs) {
    if (done.count(run.identity)) continue;
    const int s = run_stage(run);
    if (stage == 0 || s < stage) stage = s;
  }
  return stage;
}

UnitList missing_units(const ExperimentPlan& plan, const std::set<std::string>& done, int stage, int shards) {
  UnitList list;
  list.stage = stage;
  std::vector<double> costs;
  for (TrainingUnit& unit : training_units(plan, parallel_models(plan.points.front().config))) {
    if (unit.stage != stage) continue;
    unit.runs.erase(std::remove_if(unit.runs.begin(), unit.runs.end(),
                                   [&](std::size_t run) { return done.count(plan.runs[run].identity) > 0; }),
                    unit.runs.end());
    if (unit.runs.empty()) continue;
    UnitList::Entry entry;
    for (std::size_t run : unit.runs) entry.identities.push_back(plan.runs[run].identity);
    list.units.push_back(std::move(entry));
    costs.push_back(unit_cost(plan, unit));
  }
  const int units = static_cast<int>(list.units.size());
  list.shards = std::max(1, shards <= 0 ? units : std::min(shards, units));
  const std::vector<int> shard_of = assign_shards(costs, list.shards);
  for (std::size_t i = 0; i < list.units.size(); ++i) list.units[i].shard = shard_of[i];
  return list;
}

void write_unit_list(const std::string& path, const UnitList& list) {
  std::ostringstream out;
  out << "# ufm unit list: which shard trains which runs (one unit of work per line).\n"
      << "# Written once when the work is handed out; every shard reads it, so what a shard\n"
      << "# does never changes while others finish.\n"
      << "stage " << list.stage << "\n"
      << "shards " << list.shards << "\n";
  for (const auto& unit : list.units) out << "unit " << unit.shard << " " << join(unit.identities, ",") << "\n";
  write_text_file_atomically(path, out.str());
}

UnitList read_unit_list(const std::string& path) {
  std::ifstream in(path);
  UFM_CHECK(in.good(), DataError, path, ": cannot open the unit list");
  UnitList list;
  bool has_stage = false, has_shards = false;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string word, value;
    fields >> word >> value;
    const auto count = parse_count(value);
    if (word == "stage" && count) {
      list.stage = static_cast<int>(*count);
      has_stage = true;
    } else if (word == "shards" && count && *count >= 1) {
      list.shards = static_cast<int>(*count);
      has_shards = true;
    } else if (word == "unit" && count && has_shards && *count < list.shards) {
      std::string identities;
      fields >> identities;
      UFM_CHECK(!identities.empty(), DataError, path, ":", number, ": a unit without runs");
      list.units.push_back(UnitList::Entry{static_cast<int>(*count), split(identities, ',')});
    } else {
      throw DataError(detail::concat(path, ":", number, ": expected 'stage S', 'shards N' or 'unit SHARD IDS' ",
                                     "(with SHARD < N), got '", line, "'"));
    }
  }
  UFM_CHECK(has_stage && has_shards, DataError, path, ": not a unit list (no 'stage' or 'shards' line)");
  return list;
}

std::vector<std::string> shard_runs(const ExperimentPlan& plan, const std::set<std::string>& done,
                                    const ShardRequest& request) {
  std::vector<std::string> owned;
  if (!request.units_file.empty()) {
    const UnitList list = read_unit_list(request.units_file);
    UFM_CHECK(list.shards == request.shard.count, ConfigError, "--shard ", request.shard.index, "/",
              request.shard.count, ": ", request.units_file, " splits stage ", list.stage, " into ", list.shards,
              " shards, not ", request.shard.count);
    std::set<std::string> planned;
    for (const PlannedRun& run : plan.runs) planned.insert(run.identity);
    for (const auto& unit : list.units) {
      for (const auto& identity : unit.identities) {
        UFM_CHECK(planned.count(identity), ConfigError, request.units_file, ": names run ", identity,
                  " that this config does not plan (was the config or an override changed since the work was "
                  "handed out?)");
        if (unit.shard == request.shard.index) owned.push_back(identity);
      }
    }
    return owned;
  }
  const int stage = request.stage > 0 ? request.stage : current_stage(plan, done);
  if (stage == 0) return owned;  // everything is done
  std::vector<TrainingUnit> units;
  std::vector<double> costs;
  for (TrainingUnit& unit : training_units(plan, parallel_models(plan.points.front().config))) {
    if (unit.stage != stage) continue;
    costs.push_back(unit_cost(plan, unit));
    units.push_back(std::move(unit));
  }
  const std::vector<int> shard_of = assign_shards(costs, request.shard.count);
  for (std::size_t i = 0; i < units.size(); ++i) {
    if (shard_of[i] != request.shard.index) continue;
    for (std::size_t run : units[i].runs) owned.push_back(plan.runs[run].identity);
  }
  return owned;
}

void restrict_fault_to_shard(int stage, const std::optional<ShardSpec>& shard) {
  const char* only = std::getenv("UFM_FAULT_SHARD");
  if (only == nullptr || *only == '\0') return;
  const std::string mine = shard ? std::to_string(stage) + ":" + std::to_string(shard->index) : "";
  if (mine != only) ::unsetenv("UFM_FAULT");
}

std::function<std::vector<std::string>(const ExperimentPlan&, const std::set<std::string>& done)> shard_selection(
    ShardSpec shard, int stage, std::string units_file) {
  return [shard, stage, units_file](const ExperimentPlan& plan, const std::set<std::string>& done) {
    ShardRequest request{shard, stage, units_file};
    if (units_file.empty()) {
      if (request.stage == 0) request.stage = current_stage(plan, done);
    } else {
      request.stage = read_unit_list(units_file).stage;
    }
    restrict_fault_to_shard(request.stage, shard);
    log_info("shard " + std::to_string(shard.index) + "/" + std::to_string(shard.count) + " of stage " +
             std::to_string(request.stage) + (units_file.empty() ? "" : " (units from " + units_file + ")"));
    return shard_runs(plan, done, request);
  };
}

}  // namespace ufm
