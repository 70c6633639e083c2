#pragma once
/// A study on disk, as seen from its pieces directory ("<output.path>.d/"): the config it
/// was started with, which runs are being trained right now, the lossless merge of its
/// pieces into one result file, and how far it has got. Everything here works the same
/// whether the pieces came from one machine, a Slurm job array or anything else.
#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ufm {

/// "PATH" if it is a pieces directory, "PATH.d" if PATH is a result file with pieces beside
/// it; DataError naming PATH otherwise.
std::string resolve_pieces_directory(const std::string& path);

/// The config text and overrides that define a study, kept in "<pieces>/study/" so that
/// `ufm merge` and `ufm status` can rebuild its plan without being given the config again.
struct StudyDescription {
  std::string config_text;
  std::vector<std::string> overrides;
};

/// Writes "<pieces>/study/config.yaml" and "overrides.txt" (each to a temporary name, then
/// renamed: concurrent shards writing the same study are harmless).
void write_study_description(const std::string& pieces_directory, const StudyDescription& study);

/// The description written last, or nullopt when there is none.
std::optional<StudyDescription> read_study_description(const std::string& pieces_directory);

/// Marks a run as being trained by this process ("<pieces>/running/<identity>@<host>@<pid>@<job>")
/// for `ufm status`; the marker is removed when the object goes out of scope. A process
/// killed outright leaves its marker behind, which status recognises as dead where it can.
class RunningMarker {
 public:
  RunningMarker(const std::string& pieces_directory, const std::string& identity);
  ~RunningMarker();
  RunningMarker(const RunningMarker&) = delete;
  RunningMarker& operator=(const RunningMarker&) = delete;

 private:
  std::string path_;
};

struct MergeSummary {
  std::size_t runs_before = 0;
  std::size_t runs_added = 0;
  std::size_t runs_after = 0;
  /// Temporary piece files: a piece being written now, or left by a crash.
  std::vector<std::string> incomplete;
  /// "file: reason" for pieces that cannot be read.
  std::vector<std::string> corrupt;
};

/// Adds every complete piece of `pieces_directory` that `target` does not hold yet, and
/// writes `target` atomically with the single-machine layout. Idempotent; never drops a run
/// already in `target`; skips (and lists) incomplete and unreadable pieces. Refuses, with
/// `target` untouched: a piece whose identity differs from the hash of its stored config
/// (StorageError), and pieces or target runs whose scientific configs differ in a key that
/// no run lists as swept (ConfigError naming both files and the key). Execution and output
/// keys are never compared. The root attributes come from the study description when there
/// is one (so a later single-machine `ufm run` recognises the file); otherwise the target's
/// are kept.
MergeSummary merge_study(const std::string& pieces_directory, const std::string& target);

struct StageProgress {
  int stage = 0;
  std::size_t runs = 0;
  std::size_t done = 0;
  std::size_t running = 0;
  std::size_t missing = 0;
};

struct StudyProgress {
  std::string pieces_directory;
  std::string result_path;
  std::vector<StageProgress> stages;
  StageProgress total;
  /// Runs held by the result file (0 when there is none yet).
  std::size_t in_result_file = 0;
  /// Runs whose marker is left by a process that is gone (they count as missing).
  std::size_t stale_markers = 0;
};

/// How far the study in `pieces_directory` has got, from its description (DataError when it
/// has none). A run is running when its marker's process is alive: checked directly on this
/// host, else by its Slurm job being in `queued_jobs` (when that is given).
StudyProgress study_progress(const std::string& pieces_directory,
                             const std::optional<std::set<std::string>>& queued_jobs = std::nullopt);

}  // namespace ufm
