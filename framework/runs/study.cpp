#include "runs/study.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
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
#include "runs/training_units.h"
#include "storage/pieces.h"
#include "storage/result_file.h"
#include "storage/schema.h"

namespace ufm {
namespace {

namespace fs = std::filesystem;

constexpr const char* kStudyDirectory = "study";
constexpr const char* kRunningDirectory = "running";

std::string host_name() {
  char name[256] = {0};
  ::gethostname(name, sizeof(name) - 1);
  return name;
}

// Identity, host, pid and job of a running marker's file name.
struct Marker {
  std::string identity, host, job;
  long pid = 0;
};

std::optional<Marker> parse_marker(const std::string& name) {
  const std::vector<std::string> parts = split(name, '@');
  if (parts.size() != 4) return std::nullopt;
  Marker marker{parts[0], parts[1], parts[3]};
  marker.pid = std::atol(parts[2].c_str());
  return marker;
}

bool marker_alive(const Marker& marker, const std::string& here,
                  const std::optional<std::set<std::string>>& queued_jobs) {
  if (marker.host == here) return marker.pid > 0 && (::kill(marker.pid, 0) == 0 || errno == EPERM);
  if (queued_jobs && marker.job != "-") return queued_jobs->count(marker.job) > 0;
  return true;  // another host and no queue to ask: assume it is still at work
}

// A stored run's scientific settings as key → value, for comparing runs across pieces.
struct ScientificSettings {
  std::string source;
  std::map<std::string, std::string> values;
  /// The run's variants of named sweep axes (config/sweep.h: "defence=dropout"), whose
  /// variants each set several keys.
  std::map<std::string, std::string> named_variants;
};

// A named axis is a sweep key that is not a config key; config keys are "block.key".
bool is_named_axis(const std::string& key) { return key.find('.') == std::string::npos; }

// True when the two runs are different variants of some named axis, which may set `key`
// differently (the axis's definition is not stored with the runs, so any key may differ).
bool different_named_variants(const ScientificSettings& a, const ScientificSettings& b) {
  for (const auto& [axis, variant] : a.named_variants) {
    auto found = b.named_variants.find(axis);
    if (found != b.named_variants.end() && found->second != variant) return true;
  }
  return false;
}

ScientificSettings settings_of_run(const RunRecord& run, const std::string& source) {
  const std::string yaml = run.string_attribute(schema::kRunConfig);
  const ExperimentConfig config = parse_experiment_config(yaml, source + " (run " + run.identity + ")");
  ScientificSettings settings{source, {}, {}};
  if (run.has_attribute(schema::kVaryingKeys)) {
    for (const auto& [key, value] : parse_varying_keys(run.string_attribute(schema::kVaryingKeys))) {
      if (is_named_axis(key)) settings.named_variants[key] = value;
    }
  }
  for (const auto& [key, value] : scientific_settings(config)) {
    // The canary itself is what distinguishes the runs of one experiment; a control has no
    // batch position to compare.
    // (The forget index of an unlearned or retrained run is its pair's canary index.)
    if (key == "canaries.indices" || key == "canaries.pair" || key == "canaries.control_moves" ||
        key == "unlearning.forget_index") {
      continue;
    }
    if (key == "canaries.batch_position" && config.canaries.indices.empty() && config.canaries.control_moves < 0) {
      continue;
    }
    // Independent pairs train pair k with seed train.seed + k by design.
    if (key == "train.seed" && config.canaries.independent_pairs()) continue;
    settings.values[key] = value;
  }
  return settings;
}

// The identity a piece's stored config hashes to must be the one it is filed under.
void check_piece_identity(const RunRecord& run, const std::string& path) {
  UFM_CHECK(run.has_attribute(schema::kRunConfig), StorageError, path, ": piece of run ", run.identity,
            " has no '", schema::kRunConfig, "' attribute, so its identity cannot be checked; move it away");
  const ExperimentConfig config = parse_experiment_config(run.string_attribute(schema::kRunConfig), path);
  const std::string recomputed = run_identity(config);
  UFM_CHECK(recomputed == run.identity, StorageError, path, ": identity mismatch: filed as run ", run.identity,
            " but its stored config hashes to ", recomputed,
            " (edited, or written by an incompatible ufm); move it away and rerun that run");
}

}  // namespace

std::string resolve_pieces_directory(const std::string& path) {
  std::error_code error;
  std::string trimmed = path;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
  if (fs::is_directory(trimmed, error) && trimmed.size() > 2 && trimmed.compare(trimmed.size() - 2, 2, ".d") == 0) {
    return trimmed;
  }
  if (fs::is_directory(pieces_directory(trimmed), error)) return pieces_directory(trimmed);
  if (fs::is_directory(trimmed, error)) {
    // The directory that holds the result file: fine when it holds exactly one study.
    std::vector<std::string> studies;
    for (const auto& entry : fs::directory_iterator(trimmed, error)) {
      const std::string name = entry.path().filename().string();
      if (entry.is_directory() && name.size() > 5 && name.compare(name.size() - 5, 5, ".h5.d") == 0) {
        studies.push_back(entry.path().string());
      }
    }
    std::sort(studies.begin(), studies.end());
    if (studies.size() == 1) return studies.front();
    UFM_CHECK(studies.empty(), DataError, path, ": holds several studies; name one of ", join(studies));
  }
  throw DataError(detail::concat(path, ": neither a pieces directory (<output.path>.d), a result file with one, ",
                                 "nor a directory holding one"));
}

void write_study_description(const std::string& pieces_dir, const StudyDescription& study) {
  const fs::path directory = fs::path(pieces_dir) / kStudyDirectory;
  std::error_code error;
  fs::create_directories(directory, error);
  UFM_CHECK(!error, StorageError, directory.string(), ": cannot create: ", error.message());
  std::string overrides;
  for (const auto& o : study.overrides) overrides += o + "\n";
  write_text_file_atomically((directory / "config.yaml").string(), study.config_text);
  write_text_file_atomically((directory / "overrides.txt").string(), overrides);
}

std::optional<StudyDescription> read_study_description(const std::string& pieces_dir) {
  const fs::path directory = fs::path(pieces_dir) / kStudyDirectory;
  std::error_code error;
  if (!fs::is_regular_file(directory / "config.yaml", error)) return std::nullopt;
  StudyDescription study;
  study.config_text = read_text_file((directory / "config.yaml").string(), "the study description");
  for (const auto& line : split(read_text_file((directory / "overrides.txt").string(), "the study's overrides"), '\n')) {
    if (!line.empty()) study.overrides.push_back(line);
  }
  return study;
}

RunningMarker::RunningMarker(const std::string& pieces_dir, const std::string& identity) {
  const fs::path directory = fs::path(pieces_dir) / kRunningDirectory;
  std::error_code error;
  fs::create_directories(directory, error);
  const char* job = std::getenv("SLURM_JOB_ID");
  path_ = (directory / (identity + "@" + host_name() + "@" + std::to_string(::getpid()) + "@" +
                        (job && *job ? job : "-")))
              .string();
  std::ofstream touch(path_);  // best effort: a missing marker only makes status less precise
}

RunningMarker::~RunningMarker() {
  std::error_code ignored;
  fs::remove(path_, ignored);
}

MergeSummary merge_study(const std::string& pieces_dir, const std::string& target) {
  MergeSummary summary;
  std::error_code error;
  UFM_CHECK(fs::is_directory(pieces_dir, error), DataError, pieces_dir, ": no such pieces directory");
  ResultFile merged;
  // A target that exists but cannot be read may hold runs we cannot recover: stop here.
  if (fs::exists(target, error)) merged = read_result_file(target);
  summary.runs_before = merged.runs.size();

  for (const auto& entry : fs::directory_iterator(pieces_dir)) {
    const std::string name = entry.path().filename().string();
    if (name.find(".h5.tmp-") != std::string::npos) summary.incomplete.push_back(entry.path().string());
  }
  std::sort(summary.incomplete.begin(), summary.incomplete.end());

  std::set<std::string> present;
  std::vector<ScientificSettings> settings;
  std::set<std::string> swept;
  auto note_swept = [&](const RunRecord& run) {
    if (!run.has_attribute(schema::kVaryingKeys)) return;
    for (const auto& [key, value] : parse_varying_keys(run.string_attribute(schema::kVaryingKeys))) swept.insert(key);
  };
  for (const RunRecord& run : merged.runs) {
    present.insert(run.identity);
    note_swept(run);
    if (run.has_attribute(schema::kRunConfig)) settings.push_back(settings_of_run(run, target));
  }
  std::vector<RunRecord> added;
  for (const std::string& identity : complete_pieces(pieces_dir)) {
    if (present.count(identity)) continue;  // the target's copy wins
    const std::string path = (fs::path(pieces_dir) / (identity + ".h5")).string();
    RunRecord run;
    try {
      run = read_piece(path);
    } catch (const StorageError& failure) {
      summary.corrupt.push_back(failure.what());
      continue;
    }
    check_piece_identity(run, path);
    note_swept(run);
    settings.push_back(settings_of_run(run, path));
    present.insert(identity);
    added.push_back(std::move(run));
  }

  // Every run must come from one experiment: equal settings except the swept keys.
  std::map<std::string, const ScientificSettings*> reference;  // key → first run that has it
  for (const ScientificSettings& run : settings) {
    for (const auto& [key, value] : run.values) {
      if (swept.count(key)) continue;
      auto [first, inserted] = reference.emplace(key, &run);
      if (inserted) continue;
      const std::string& expected = first->second->values.at(key);
      if (different_named_variants(run, *first->second)) continue;
      UFM_CHECK(value == expected, ConfigError, "merge refused: ", run.source, " has ", key, "=", value, " but ",
                first->second->source, " has ", key, "=", expected,
                ", and no run sweeps that key: these runs belong to different experiments (", target,
                " is unchanged)");
    }
  }

  summary.runs_added = added.size();
  for (RunRecord& run : added) merged.runs.push_back(std::move(run));
  std::sort(merged.runs.begin(), merged.runs.end(),
            [](const RunRecord& a, const RunRecord& b) { return a.identity < b.identity; });
  if (const auto study = read_study_description(pieces_dir)) {
    std::string config_text = study->config_text;
    for (const auto& o : study->overrides) config_text += "\n# override: " + o;
    const auto points = experiment_points(study->config_text, pieces_dir + "/study/config.yaml", study->overrides);
    for (auto& [name, value] : experiment_root_attributes(points, config_text)) merged.attributes[name] = value;
  }
  write_result_file(target, merged, "merge");
  summary.runs_after = merged.runs.size();
  return summary;
}

StudyProgress study_progress(const std::string& pieces_dir, const std::optional<std::set<std::string>>& queued_jobs) {
  const auto study = read_study_description(pieces_dir);
  UFM_CHECK(study.has_value(), DataError, pieces_dir,
            ": has no study description (study/config.yaml); it is written by 'ufm run' and 'ufm slurm'");
  StudyProgress progress;
  progress.pieces_directory = pieces_dir;
  progress.result_path = pieces_dir.size() > 2 ? pieces_dir.substr(0, pieces_dir.size() - 2) : pieces_dir;
  const ExperimentPlan plan =
      plan_from_points(experiment_points(study->config_text, pieces_dir + "/study/config.yaml", study->overrides));
  const std::vector<std::string> done_list = completed_runs(progress.result_path);
  const std::set<std::string> done(done_list.begin(), done_list.end());
  std::error_code error;
  if (fs::exists(progress.result_path, error)) {
    progress.in_result_file = stored_run_identities(progress.result_path).size();
  }

  std::set<std::string> running;
  const fs::path markers = fs::path(pieces_dir) / kRunningDirectory;
  if (fs::is_directory(markers, error)) {
    const std::string here = host_name();
    for (const auto& entry : fs::directory_iterator(markers)) {
      const auto marker = parse_marker(entry.path().filename().string());
      if (!marker || done.count(marker->identity)) continue;
      if (marker_alive(*marker, here, queued_jobs)) {
        running.insert(marker->identity);
      } else {
        ++progress.stale_markers;
      }
    }
  }
  std::map<int, StageProgress> stages;
  for (const PlannedRun& run : plan.runs) {
    StageProgress& stage = stages[run_stage(run)];
    stage.stage = run_stage(run);
    ++stage.runs;
    if (done.count(run.identity)) {
      ++stage.done;
    } else if (running.count(run.identity)) {
      ++stage.running;
    } else {
      ++stage.missing;
    }
  }
  for (const auto& [number, stage] : stages) {
    progress.stages.push_back(stage);
    progress.total.runs += stage.runs;
    progress.total.done += stage.done;
    progress.total.running += stage.running;
    progress.total.missing += stage.missing;
  }
  return progress;
}

}  // namespace ufm
