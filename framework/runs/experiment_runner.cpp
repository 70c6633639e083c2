#include "runs/experiment_runner.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "core/stopwatch.h"
#include "runtime/device.h"
#include "core/error.h"
#include "core/logging.h"
#include "runtime/precision.h"
#include "runtime/runtime_info.h"
#include "config/sweep.h"
#include "core/text.h"
#include "data/dataset_registry.h"
#include "runs/planned_stage.h"
#include "runs/run_executor.h"
#include "runs/stored_controls.h"
#include "runs/study.h"
#include "storage/pieces.h"
#include "storage/result_file.h"
#include "storage/schema.h"

namespace ufm {
namespace {

// Identity of the experiment a result file belongs to: its trainings, i.e. its points
// without the canary choice and without their unlearning stage, each once. So adding
// canaries, or another unlearning variant of the same trainings, extends the same file (the
// new variants start from the stored trainings); points without unlearning keep the
// identity they always had.
std::string experiment_identity(const std::vector<SweepPoint>& points) {
  std::string text;
  std::set<std::string> seen;
  for (const auto& point : points) {
    ExperimentConfig training = run_config(point.config, -1);
    training.unlearning = UnlearningOptions{};
    const std::string yaml = scientific_yaml(training);
    if (seen.insert(yaml).second) text += yaml;
  }
  return fnv1a_hex(text);
}

// Refuses to touch a file at output.path that is not a result file of this experiment.
void check_existing_output(const std::string& path, const std::string& identity) {
  if (!std::filesystem::exists(path)) return;
  const ResultFile existing = read_result_file(path);  // StorageError if not a result file
  auto found = existing.attributes.find(schema::kExperimentIdentityAttribute);
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
  resolve_automatic_precision(points);
  return points;
}

void resolve_automatic_precision(std::vector<SweepPoint>& points) {
  std::set<std::string> logged;
  const CpuFeatures cpu = detect_cpu_features();
  for (SweepPoint& point : points) {
    TrainingOptions& train = point.config.train;
    if (train.precision != PrecisionChoice::kAuto) continue;
    // Resolved here, before any identity is hashed: the identity holds what was computed.
    const c10::Device device = resolve_device(point.config.execution.device);
    const bool dp = point.config.privacy.enabled;
    train.precision = precision_choice(automatic_precision(device, cpu, dp));
    point.automatic_precision = true;
    const std::string line = "train.precision=auto: picked " + describe_automatic_precision(device, cpu, dp);
    if (logged.insert(line).second) log_info(line);
  }
}

std::vector<std::string> automatic_precision_overrides(const std::vector<SweepPoint>& points) {
  std::set<std::string> picked;
  for (const SweepPoint& point : points) {
    if (!point.automatic_precision) return {};
    picked.insert(option_name(point.config.train.precision));
  }
  if (picked.size() != 1) return {};
  return {"train.precision=" + *picked.begin()};
}

namespace {

// The influence arrays of a stored control: from its piece, else from the result file.
// nullopt when the control has not been trained yet.
class StoredReferences {
 public:
  explicit StoredReferences(std::string output_path) : output_path_(std::move(output_path)) {}

  std::optional<ReferenceInfluence> operator()(const PlannedRun& control) {
    const std::string piece = pieces_directory(output_path_) + "/" + control.identity + ".h5";
    if (std::filesystem::exists(piece)) return from(read_piece(piece), piece);
    if (!std::filesystem::exists(output_path_)) return std::nullopt;
    if (!file_) file_ = read_result_file(output_path_);
    for (const auto& run : file_->runs) {
      if (run.identity == control.identity) return from(run, output_path_);
    }
    return std::nullopt;
  }

 private:
  static ReferenceInfluence from(const RunRecord& run, const std::string& where) {
    UFM_CHECK(run.has_array(schema::kSelfInfluence) && run.has_array(schema::kConfidence), StorageError, where,
              ": control run ", run.identity, " has no ", schema::kSelfInfluence,
              " to choose canaries from (trained without influence); remove it to retrain");
    return ReferenceInfluence{run.array(schema::kSelfInfluence).as_doubles(),
                              run.array(schema::kConfidence).as_doubles()};
  }

  std::string output_path_;
  std::optional<ResultFile> file_;
};

}  // namespace

ExperimentPlan plan_from_points(std::vector<SweepPoint> points) {
  std::map<std::string, std::int64_t> sizes;
  const std::string output_path = points.empty() ? std::string() : points.front().config.output.path;
  StoredReferences references(output_path);
  ReferenceLookup lookup = [&](const PlannedRun& control) { return references(control); };
  return plan_experiment(std::move(points), [&](const ExperimentConfig& point) {
    const std::string key = experiment_data_key(point);
    auto found = sizes.find(key);
    if (found == sizes.end()) {
      const bool needs_size = point.canaries.select == CanarySelect::kRandom || point.canaries.select == CanarySelect::kList;
      std::int64_t size = 0;
      if (needs_size) size = load_dataset(point.data).train.size();
      found = sizes.emplace(key, size).first;
    }
    return found->second;
  }, lookup);
}

std::vector<std::string> completed_runs(const std::string& output_path) {
  std::set<std::string> done;
  if (std::filesystem::exists(output_path)) {
    for (const auto& identity : stored_run_identities(output_path)) done.insert(identity);
  }
  for (const auto& identity : complete_pieces(pieces_directory(output_path))) done.insert(identity);
  return {done.begin(), done.end()};
}

void check_result_file_matches(const std::string& result_path, const std::vector<SweepPoint>& points) {
  UFM_CHECK(!points.empty(), ConfigError, "the experiment has no runs");
  check_existing_output(result_path, experiment_identity(points));
}

std::map<std::string, AttributeValue> experiment_root_attributes(const std::vector<SweepPoint>& points,
                                                                 const std::string& config_text) {
  UFM_CHECK(!points.empty(), ConfigError, "the experiment has no runs");
  const RuntimeInfo runtime = collect_runtime_info("cpu");
  std::map<std::string, AttributeValue> root;
  root[schema::kExperimentConfig] = to_yaml(points.front().config);
  root[schema::kConfigSourceAttribute] = config_text;
  root[schema::kExperimentIdentityAttribute] = experiment_identity(points);
  root[schema::kUfmVersionAttribute] = runtime.ufm_version;
  root[schema::kGitCommitAttribute] = runtime.git_commit;
  root[schema::kLibtorchVersionAttribute] = runtime.libtorch_version;
  root[schema::kBlasAttribute] = runtime.blas;
  root[schema::kDeviceAttribute] = runtime.device;
  root[schema::kUpdatedAtAttribute] = utc_timestamp();
  return root;
}

ExperimentOutcome run_experiment(const std::vector<SweepPoint>& points, const std::string& config_text,
                                 const RunOptions& options) {
  UFM_CHECK(!points.empty(), ConfigError, "the experiment has no runs");
  const ExperimentConfig& first = points.front().config;
  const ExecutionOptions& execution = first.execution;
  const std::string output_path = first.output.path;
  const std::string identity = experiment_identity(points);
  check_existing_output(output_path, identity);
  // Before anything is written: a GPU asked for where there is none is a config error.
  const c10::Device device = resolve_device(execution.device);
  configure_determinism(device, execution.deterministic_gpu);
  const CpuFeatures cpu = detect_cpu_features();
  for (const SweepPoint& point : points) {
    check_precision_supported(step_precision(point.config.train.precision), device, cpu);
  }
  if (options.study) write_study_description(pieces_directory(output_path), *options.study);

  const int workers = execution.workers;
  const int threads = execution.threads > 0 ? execution.threads : std::max(1, hardware_cores() / workers);
  set_thread_count(threads);
  const RuntimeInfo runtime = collect_runtime_info(device_string(device));
  log_info(describe(runtime) + ", " + std::to_string(workers) + " worker(s), up to " +
           std::to_string(execution.parallel_models) + " model(s) trained together");

  ExperimentOutcome outcome;
  outcome.result_path = output_path;
  RunEnvironment environment;
  environment.attributes[schema::kUfmVersionAttribute] = runtime.ufm_version;
  environment.attributes[schema::kGitCommitAttribute] = runtime.git_commit;
  environment.attributes[schema::kLibtorchVersionAttribute] = runtime.libtorch_version;
  environment.attributes[schema::kBlasAttribute] = runtime.blas;
  environment.attributes[schema::kDeviceAttribute] = runtime.device;
  environment.attributes[schema::kThreadsAttribute] = static_cast<std::int64_t>(threads);
  environment.attributes[schema::kWorkersAttribute] = static_cast<std::int64_t>(workers);
  environment.attributes[schema::kDeterministicGpuAttribute] = static_cast<std::int64_t>(execution.deterministic_gpu ? 1 : 0);
  environment.attributes[schema::kHostnameAttribute] = runtime.hostname;
  environment.attributes[schema::kCpuModelAttribute] = runtime.cpu_model;
  environment.attributes[schema::kCpuInstructionSetsAttribute] = runtime.cpu_instruction_sets;

  std::map<std::string, std::shared_ptr<ExperimentData>> data;
  const std::string pieces = pieces_directory(output_path);
  // Controls whose canaries rebuild them (exposure against the control), and the stored
  // controls' attributes for the pairing check.
  StoredControls stored_controls(pieces, output_path);
  PlanExecution context{environment, output_path, pieces, stored_controls, data, device};
  context.workers = workers;
  context.threads = threads;
  context.parallel_models = execution.parallel_models;
  context.progress = execution.progress;
  const Stopwatch started;
  // Stage 1 trains every run that can be planned, among them the reference controls of
  // points whose canaries are chosen by influence or hardness; stage 2 plans those
  // canaries from the stored references and trains them.
  for (int stage = 1;; ++stage) {
    ExperimentPlan plan = plan_from_points(points);
    const std::vector<std::string> done_list = completed_runs(output_path);
    const std::set<std::string> done(done_list.begin(), done_list.end());
    // A shard (--shard, Slurm array task) trains only its own units of the current stage.
    std::set<std::string> selected;
    if (options.select) {
      for (auto& identity : options.select(plan, done)) selected.insert(std::move(identity));
    }
    const std::size_t trained = train_planned_runs(plan, done, options.select ? &selected : nullptr, stage, context);
    outcome.runs_trained += trained;
    outcome.runs_planned = plan.runs.size();
    // A shard works on one stage; the next stage is the next job array's.
    if (plan.pending_points.empty() || options.select) break;
    // Stage 2: the references are stored now, so the canaries they choose can be planned.
    UFM_CHECK(stage == 1, RuntimeError, "canaries of ", plan.pending_points.size(),
              " sweep point(s) are still unplanned after their reference control was trained");
  }

  outcome.runs_already_done = outcome.runs_planned - outcome.runs_trained;
  if (!options.merge) {
    log_info("trained " + std::to_string(outcome.runs_trained) + " runs in " +
             format_duration(started.seconds()) + "; pieces in " +
             pieces + " (not merged: run 'ufm merge " + pieces + " -o " + output_path + "')");
    return outcome;
  }

  const std::map<std::string, AttributeValue> root = experiment_root_attributes(points, config_text);
  const MergeReport merged = merge_pieces(pieces, output_path, root);
  for (const auto& skipped : merged.skipped) log_info("skipped piece " + skipped);
  log_info("trained " + std::to_string(outcome.runs_trained) + " runs in " +
           format_duration(started.seconds()) + "; " + output_path +
           " holds " + std::to_string(merged.runs_in_target_after) + " runs");
  return outcome;
}

}  // namespace ufm
