#include "runs/experiment_runner.h"

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "core/device.h"
#include "core/error.h"
#include "core/logging.h"
#include "core/runtime_info.h"
#include "config/sweep.h"
#include "core/text.h"
#include "data/dataset_registry.h"
#include "runs/run_executor.h"
#include "runs/training_units.h"
#include "storage/pieces.h"
#include "storage/result_file.h"
#include "storage/schema.h"

namespace ufm {
namespace {

using Clock = std::chrono::steady_clock;

// Identity of the experiment a result file belongs to: its points without the canary
// choice, so that adding canaries to an experiment extends the same file.
std::string experiment_identity(const std::vector<SweepPoint>& points) {
  std::string text;
  for (const auto& point : points) text += scientific_yaml(run_config(point.config, -1));
  return fnv1a_hex(text);
}

std::string describe_run(const PlannedRun& run) {
  return run.is_control() ? "control" : "canary " + std::to_string(run.canary_index);
}

std::string format_duration(double seconds) {
  if (seconds < 90) return std::to_string(static_cast<int>(seconds + 0.5)) + " s";
  if (seconds < 5400) return std::to_string(static_cast<int>(seconds / 60 + 0.5)) + " min";
  return format_number(seconds / 3600, 2) + " h";
}

// Refuses to touch a file at output.path that is not a result file of this experiment.
void check_existing_output(const std::string& path, const std::string& identity) {
  if (!std::filesystem::exists(path)) return;
  const ResultFile existing = read_result_file(path);  // StorageError if not a result file
  auto found = existing.attributes.find("experiment_identity");
  const std::string stored =
      found != existing.attributes.end() && std::holds_alternative<std::string>(found->second)
          ? std::get<std::string>(found->second)
          : "";
  UFM_CHECK(stored == identity, ConfigError, "output.path: ", path, " holds results of a different experiment (",
            stored.empty() ? "unknown" : stored, " vs ", identity,
            "); choose another output.path or move that file away");
}

}  // namespace

std::vector<SweepPoint> experiment_points(const std::string& yaml_text, const std::string& source,
                                          const std::vector<std::string>& overrides) {
  const std::vector<ExperimentConfig> configs = expand_sweep(yaml_text, source, overrides);
  const std::vector<std::vector<std::string>> assignments = sweep_points(yaml_text, source, overrides);
  std::vector<SweepPoint> points;
  for (std::size_t i = 0; i < configs.size(); ++i) points.push_back(SweepPoint{configs[i], assignments.at(i)});
  return points;
}

ExperimentPlan plan_from_points(std::vector<SweepPoint> points) {
  std::map<std::string, std::int64_t> sizes;
  return plan_experiment(std::move(points), [&](const ExperimentConfig& point) {
    const std::string key = experiment_data_key(point);
    auto found = sizes.find(key);
    if (found == sizes.end()) {
      const bool needs_size = point.canaries.select == "random" || point.canaries.select == "list";
      std::int64_t size = 0;
      if (needs_size) size = load_dataset(point.data).train.size();
      found = sizes.emplace(key, size).first;
    }
    return found->second;
  });
}

std::vector<std::string> completed_runs(const std::string& output_path) {
  std::set<std::string> done;
  if (std::filesystem::exists(output_path)) {
    for (const auto& identity : stored_run_identities(output_path)) done.insert(identity);
  }
  for (const auto& identity : complete_pieces(pieces_directory(output_path))) done.insert(identity);
  return {done.begin(), done.end()};
}

ExperimentOutcome run_experiment(const std::vector<SweepPoint>& points, const std::string& config_text) {
  UFM_CHECK(!points.empty(), ConfigError, "the experiment has no runs");
  const ExperimentConfig& first = points.front().config;
  const ExecutionOptions& execution = first.execution;
  const std::string output_path = first.output.path;
  const std::string identity = experiment_identity(points);
  check_existing_output(output_path, identity);

  const int workers = execution.workers;
  const int threads = execution.threads > 0 ? execution.threads : std::max(1, hardware_cores() / workers);
  set_thread_count(threads);
  const c10::Device device = resolve_device(execution.device);
  configure_determinism(device, execution.deterministic_gpu);
  const RuntimeInfo runtime = collect_runtime_info(device_string(device));
  const int parallel_models = execution.parallel_models;
  log_info(describe(runtime) + ", " + std::to_string(workers) + " worker(s), " + std::to_string(parallel_models) +
           " model(s) per batch");

  ExperimentPlan plan = plan_from_points(points);
  const std::vector<std::string> done_list = completed_runs(output_path);
  const std::set<std::string> done(done_list.begin(), done_list.end());
  std::vector<const PlannedRun*> todo;
  std::vector<std::size_t> todo_indices;
  for (std::size_t i = 0; i < plan.runs.size(); ++i) {
    if (done.count(plan.runs[i].identity)) continue;
    todo.push_back(&plan.runs[i]);
    todo_indices.push_back(i);
  }
  // Runs trained together; a unit whose other runs are complete trains only what is missing.
  const std::vector<std::vector<std::size_t>> units = training_units(plan, parallel_models, todo_indices);
  std::map<std::size_t, std::size_t> position_of;  // plan index → position in todo (for labels)
  for (std::size_t i = 0; i < todo_indices.size(); ++i) position_of[todo_indices[i]] = i;
  ExperimentOutcome outcome;
  outcome.result_path = output_path;
  outcome.runs_planned = plan.runs.size();
  outcome.runs_already_done = plan.runs.size() - todo.size();
  log_info(std::to_string(plan.runs.size()) + " runs planned, " + std::to_string(outcome.runs_already_done) +
           " already complete, " + std::to_string(todo.size()) + " to train → " + output_path);

  RunEnvironment environment;
  environment.attributes["ufm_version"] = runtime.ufm_version;
  environment.attributes["git_commit"] = runtime.git_commit;
  environment.attributes["libtorch_version"] = runtime.libtorch_version;
  environment.attributes["blas"] = runtime.blas;
  environment.attributes["device"] = runtime.device;
  environment.attributes["threads"] = static_cast<std::int64_t>(threads);
  environment.attributes["workers"] = static_cast<std::int64_t>(workers);
  environment.attributes["deterministic_gpu"] = static_cast<std::int64_t>(execution.deterministic_gpu ? 1 : 0);
  environment.attributes["hostname"] = runtime.hostname;
  environment.attributes["cpu_model"] = runtime.cpu_model;

  // Data are prepared once per distinct data key and shared read-only by all workers.
  std::map<std::string, std::shared_ptr<ExperimentData>> data;
  for (const PlannedRun* run : todo) {
    const std::string key = experiment_data_key(plan.points[run->point].config);
    if (!data.count(key)) {
      data[key] = std::make_shared<ExperimentData>(prepare_experiment_data(plan.points[run->point].config));
      move_to_device(*data[key], device);
    }
  }

  const std::string pieces = pieces_directory(output_path);
  std::atomic<std::size_t> finished{0};
  std::atomic<double> total_seconds{0.0};
  const auto started = Clock::now();
  auto progress_for = [&](const PlannedRun& run, const std::string& label) -> RunProgress {
    if (!execution.progress) return nullptr;
    return [&, label](const PlannedRun&, const TrainingHistory& history) {
      const std::int64_t epoch = history.epochs_run();
      const double per_epoch = history.epoch_seconds.back();
      const double done_seconds = total_seconds.load();
      const std::size_t done_runs = finished.load();
      const double per_run = done_runs ? done_seconds / static_cast<double>(done_runs) : 0.0;
      const double left_runs = static_cast<double>(todo.size() - done_runs) - 1;
      std::string eta = done_runs ? ", ~" + format_duration(per_run * std::max(0.0, left_runs) / workers) +
                                        " left after this model"
                                  : "";
      log_info(label + " epoch " + std::to_string(epoch) + "/" + std::to_string(run.config.train.max_epochs) +
               "  loss " + format_number(history.train_loss.back()) + " acc " +
               format_number(history.train_accuracy.back(), 3) + "  val_loss " +
               format_number(history.val_loss.back()) + " val_acc " + format_number(history.val_accuracy.back(), 3) +
               "  best " + std::to_string(history.best_epoch) + "  " + format_number(per_epoch, 2) + " s/epoch" + eta);
    };
  };
  auto label_of = [&](const PlannedRun& run, std::size_t index) {
    return "[" + std::to_string(position_of.at(index) + 1) + "/" + std::to_string(todo.size()) + "] " +
           describe_run(run) + " " + run.identity.substr(0, 8);
  };
  auto train_unit = [&](const std::vector<std::size_t>& unit) {
    set_thread_count(threads);
    const auto unit_start = Clock::now();
    const PlannedRun& first_run = plan.runs[unit.front()];
    const ExperimentData& run_data = *data.at(experiment_data_key(plan.points[first_run.point].config));
    std::vector<const PlannedRun*> runs;
    std::map<const PlannedRun*, std::string> labels;
    for (std::size_t index : unit) {
      runs.push_back(&plan.runs[index]);
      labels[&plan.runs[index]] = label_of(plan.runs[index], index);
    }
    std::vector<RunRecord> records;
    if (runs.size() == 1) {
      records.push_back(execute_run(first_run, run_data, environment, progress_for(first_run, labels.at(&first_run))));
    } else {
      // One progress function for the batch, dispatching to each run's label.
      std::map<const PlannedRun*, RunProgress> per_run;
      for (const PlannedRun* run : runs) per_run[run] = progress_for(*run, labels.at(run));
      RunProgress progress;
      if (execution.progress) {
        progress = [per_run](const PlannedRun& run, const TrainingHistory& history) { per_run.at(&run)(run, history); };
      }
      records = execute_runs_batched(runs, run_data, environment, progress);
    }
    // One piece per run, exactly as in single-model mode.
    for (const auto& record : records) write_piece(pieces, record);
    const double seconds = std::chrono::duration<double>(Clock::now() - unit_start).count();
    double expected = total_seconds.load();
    while (!total_seconds.compare_exchange_weak(expected, expected + seconds)) {
    }
    finished += runs.size();
    if (runs.size() == 1) {
      log_info(labels.at(runs.front()) + " done in " + format_duration(seconds));
    } else {
      log_info(std::to_string(runs.size()) + " models trained together (" + labels.at(runs.front()) + " …) done in " +
               format_duration(seconds));
    }
  };

  if (workers == 1) {
    for (const auto& unit : units) train_unit(unit);
  } else {
    tbb::task_arena arena(workers);
    arena.execute([&] {
      tbb::parallel_for(tbb::blocked_range<std::size_t>(0, units.size(), 1),
                        [&](const tbb::blocked_range<std::size_t>& range) {
                          for (std::size_t i = range.begin(); i != range.end(); ++i) train_unit(units[i]);
                        },
                        tbb::simple_partitioner());
    });
  }
  outcome.runs_trained = todo.size();

  std::map<std::string, AttributeValue> root;
  root[schema::kExperimentConfig] = to_yaml(first);
  root["config_source"] = config_text;
  root["experiment_identity"] = identity;
  root["ufm_version"] = runtime.ufm_version;
  root["git_commit"] = runtime.git_commit;
  root["libtorch_version"] = runtime.libtorch_version;
  root["blas"] = runtime.blas;
  root["device"] = runtime.device;
  root["updated_at"] = utc_timestamp();
  const MergeReport merged = merge_pieces(pieces, output_path, root);
  for (const auto& skipped : merged.skipped) log_info("skipped piece " + skipped);
  log_info("trained " + std::to_string(todo.size()) + " runs in " +
           format_duration(std::chrono::duration<double>(Clock::now() - started).count()) + "; " + output_path +
           " holds " + std::to_string(merged.runs_in_target_after) + " runs");
  return outcome;
}

}  // namespace ufm
