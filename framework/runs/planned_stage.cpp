#include "runs/planned_stage.h"

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <atomic>
#include <memory>

#include "core/error.h"
#include "core/logging.h"
#include "core/stopwatch.h"
#include "runtime/runtime_info.h"
#include "core/text.h"
#include "runs/study.h"
#include "runs/training_units.h"
#include "storage/pair_arithmetic.h"
#include "storage/pieces.h"

namespace ufm {
namespace {

// One progress line per epoch of a unit (batched members report one after the other),
// with an estimate of the time left from the units finished so far.
RunProgress epoch_logger(const std::string& label, std::size_t unit_size, std::size_t total_runs, int workers,
                         const std::atomic<std::size_t>& finished, const std::atomic<double>& total_seconds) {
  auto last_logged = std::make_shared<std::int64_t>(0);
  return [&finished, &total_seconds, label, unit_size, total_runs, workers, last_logged](
             const PlannedRun& run, const TrainingHistory& history) {
    const std::int64_t epoch = history.epochs_run();
    if (epoch <= *last_logged) return;
    *last_logged = epoch;
    const double per_epoch = history.epoch_seconds.back();
    const double done_seconds = total_seconds.load();
    const std::size_t done_runs = finished.load();
    const double per_run = done_runs ? done_seconds / static_cast<double>(done_runs) : 0.0;
    const double left_runs = static_cast<double>(total_runs - done_runs) - static_cast<double>(unit_size);
    const std::string eta =
        done_runs ? ", ~" + format_duration(per_run * std::max(0.0, left_runs) / workers) + " left after this unit" : "";
    log_info(label + " epoch " + std::to_string(epoch) + "/" + std::to_string(run.config.train.max_epochs) + "  loss " +
             format_number(history.train_loss.back()) + " acc " + format_number(history.train_accuracy.back(), 3) +
             "  val_loss " + format_number(history.val_loss.back()) + " val_acc " +
             format_number(history.val_accuracy.back(), 3) + "  best " + std::to_string(history.best_epoch) + "  " +
             format_number(per_epoch, 2) + " s/epoch" + eta);
  };
}

// The stored records an unlearned variant starts from and compares with: ConfigError naming
// unlearning.method when one that was planned is not stored.
UnlearningInputs unlearning_inputs(const PlannedRun& run, StoredControls& stored) {
  auto find = [&](const std::string& identity, const char* what) -> const RunRecord* {
    if (identity.empty()) return nullptr;
    const RunRecord* record = stored.record(identity);
    UFM_CHECK(record != nullptr, ConfigError, "unlearning.method: ", what, " ", identity, " of ", run_label(run),
              " is not stored (the stages before this one must finish first)");
    return record;
  };
  UnlearningInputs inputs;
  inputs.source = find(run.unlearned_from, "the trained run");
  inputs.never_seen = find(run.never_seen_identity, "reference (b), the trained control,");
  inputs.retrained = find(run.retrained_identity, "reference (a), the retrained control,");
  return inputs;
}

}  // namespace

std::size_t train_planned_runs(const ExperimentPlan& plan, const std::set<std::string>& done,
                               const std::set<std::string>* selected, int stage, PlanExecution& context) {
  // The units of work (runs/training_units.h: the ones the shards hand out, up to
  // execution.parallel_models runs of one point trained as one batch), keeping only their
  // runs still to train. Controls (stage 1) train first, a phase of their own, so that every
  // canary that scores its control's model finds it stored, whatever the number of workers.
  // Later stages (runs/training_units.h: unlearned controls, then unlearned canaries) follow
  // in order, each starting from the pieces the stages before it stored.
  std::map<int, std::vector<std::vector<const PlannedRun*>>> units_by_stage;
  for (const TrainingUnit& unit : training_units(plan, context.parallel_models)) {
    std::vector<const PlannedRun*> runs;
    for (std::size_t index : unit.runs) {
      const PlannedRun& run = plan.runs[index];
      if (done.count(run.identity) || (selected != nullptr && !selected->count(run.identity))) continue;
      runs.push_back(&run);
    }
    if (!runs.empty()) units_by_stage[unit.stage].push_back(std::move(runs));
  }
  std::vector<const PlannedRun*> todo;  // in training order
  for (const auto& [unit_stage, units] : units_by_stage) {
    for (const auto& unit : units) todo.insert(todo.end(), unit.begin(), unit.end());
  }
  std::string pending;
  if (!plan.pending_points.empty()) {
    pending = ", canaries of " + std::to_string(plan.pending_points.size()) +
              " point(s) chosen after their reference control (stage 1)";
  }
  log_info((stage > 1 ? "stage " + std::to_string(stage) + ": " : std::string()) +
           std::to_string(plan.runs.size()) + " runs planned, " + std::to_string(plan.runs.size() - todo.size()) +
           " already complete, " + std::to_string(todo.size()) + " to train" +
           (selected != nullptr ? " in this shard" : "") + " → " + context.output_path + pending);

  // Before anything trains: a canary is paired only with a control that ran the same
  // arithmetic (device and thread count change result bits; on a GPU so does the batch
  // arrangement), and repeated canary indices are named.
  for (const PlannedRun* run : todo) {
    if (!run->duplicate_of.empty()) {
      log_info("warning: canary " + std::to_string(run->canary_index) + " (run " + run->identity +
               ") repeats the index of run " + run->duplicate_of +
               (run->config.canaries.independent_pairs()
                    ? " (its own seed and control: still an independent pair)"
                    : ": under shared pairing the two models are identical; recorded as duplicate_of"));
    }
    if (run->is_control() || run->control_identity.empty() || !done.count(run->control_identity)) continue;
    const auto* control = context.stored_controls.attributes(run->control_identity);
    if (control == nullptr) continue;
    const std::string difference = arithmetic_difference(context.environment.attributes, *control);
    UFM_CHECK(difference.empty(), ConfigError, "canaries.controls: canary ", run->canary_index, " (run ",
              run->identity, ") would be paired with control ", run->control_identity, " stored with ", difference,
              "; a pair must run the same arithmetic: rerun with the control's setting, or move the result file "
              "away to retrain both");
  }

  // Data are prepared once per distinct data key and shared read-only by all workers.
  for (const PlannedRun* run : todo) {
    const std::string key = experiment_data_key(plan.points[run->point].config);
    if (!context.data.count(key)) {
      context.data[key] = std::make_shared<ExperimentData>(prepare_experiment_data(plan.points[run->point].config));
      move_to_device(*context.data[key], context.device);
    }
  }

  std::map<const PlannedRun*, std::size_t> position;  // for progress labels: [i/N]
  for (std::size_t i = 0; i < todo.size(); ++i) position[todo[i]] = i;

  std::atomic<std::size_t> finished{0};
  std::atomic<double> total_seconds{0.0};
  auto label_of = [&](const std::vector<const PlannedRun*>& unit) {
    const std::string count = "/" + std::to_string(todo.size()) + "] ";
    if (unit.size() == 1) {
      return "[" + std::to_string(position.at(unit.front()) + 1) + count + run_label(*unit.front()) + " " +
             unit.front()->identity.substr(0, 8);
    }
    return "[" + std::to_string(position.at(unit.front()) + 1) + "-" + std::to_string(position.at(unit.back()) + 1) +
           count + std::to_string(unit.size()) + " models together";
  };
  auto train_unit = [&](const std::vector<const PlannedRun*>& unit) {
    set_thread_count(context.threads);
    const Stopwatch unit_start;
    const PlannedRun& first_run = *unit.front();
    const ExperimentData& run_data = *context.data.at(experiment_data_key(plan.points[first_run.point].config));
    const std::string label = label_of(unit);
    const RunProgress progress =
        context.progress ? epoch_logger(label, unit.size(), todo.size(), context.workers, finished, total_seconds) : nullptr;
    std::vector<std::unique_ptr<RunningMarker>> markers;
    std::vector<const RunRecord*> controls;
    for (const PlannedRun* run : unit) {
      markers.push_back(std::make_unique<RunningMarker>(context.pieces, run->identity));
      const RunRecord* control = nullptr;
      if (needs_control_record(*run)) control = context.stored_controls.record(run->control_identity);
      controls.push_back(control);
    }
    if (first_run.unlearns()) {
      // An unlearned variant starts from its stored training and compares with stored references.
      write_piece(context.pieces, execute_unlearning(first_run, run_data, context.environment, controls.front(),
                                             unlearning_inputs(first_run, context.stored_controls)));
    } else {
      // One piece per run, exactly as in single-model mode.
      for (const RunRecord& record : execute_runs_batched(unit, run_data, context.environment, progress, controls)) {
        write_piece(context.pieces, record);
      }
    }
    const double seconds = unit_start.seconds();
    double expected = total_seconds.load();
    while (!total_seconds.compare_exchange_weak(expected, expected + seconds)) {
    }
    finished += unit.size();
    log_info(label + " done in " + format_duration(seconds));
  };

  auto train_units = [&](const std::vector<std::vector<const PlannedRun*>>& units) {
    if (context.workers == 1) {
      for (const auto& unit : units) train_unit(unit);
      return;
    }
    tbb::task_arena arena(context.workers);
    arena.execute([&] {
      tbb::parallel_for(tbb::blocked_range<std::size_t>(0, units.size(), 1),
                        [&](const tbb::blocked_range<std::size_t>& range) {
                          for (std::size_t i = range.begin(); i != range.end(); ++i) train_unit(units[i]);
                        },
                        tbb::simple_partitioner());
    });
  };
  for (const auto& [unit_stage, units] : units_by_stage) train_units(units);
  return todo.size();
}

}  // namespace ufm
