#include "storage/pieces.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "core/error.h"
#include "storage/result_file.h"
#include "storage/schema.h"

namespace ufm {

namespace {

namespace fs = std::filesystem;

constexpr const char* kPieceExtension = ".h5";

bool is_safe_identity(const std::string& identity) {
  return !identity.empty() && std::all_of(identity.begin(), identity.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-';
  });
}

std::string piece_path(const std::string& directory, const std::string& identity) {
  return (fs::path(directory) / (identity + kPieceExtension)).string();
}

}  // namespace

std::string pieces_directory(const std::string& output_path) { return output_path + ".d"; }

void write_piece(const std::string& directory, const RunRecord& run) {
  UFM_CHECK(is_safe_identity(run.identity), StorageError, directory, ": run identity '", run.identity,
            "' is not a safe file name (expected [0-9A-Za-z_-]+)");
  ResultFile piece;
  piece.runs.push_back(run);
  // write_result_file writes "<piece>.tmp-<pid>" in the same directory and renames it,
  // so complete_pieces never sees a half-written piece.
  write_result_file(piece_path(directory, run.identity), piece, "piece_write");
}

RunRecord read_piece(const std::string& path) {
  const std::string stem = fs::path(path).stem().string();
  ResultFile piece = read_result_file(path);
  UFM_CHECK(piece.runs.size() == 1, StorageError, path, ": expected exactly one run in a piece, found ",
            piece.runs.size());
  RunRecord& run = piece.runs.front();
  UFM_CHECK(run.identity == stem, StorageError, path, ": holds run '", run.identity,
            "' but its file name says '", stem, "'");
  auto stored = run.attributes.find(schema::kIdentity);
  if (stored != run.attributes.end()) {
    const auto* text = std::get_if<std::string>(&stored->second);
    UFM_CHECK(text != nullptr && *text == stem, StorageError, path, ": its '", schema::kIdentity,
              "' attribute differs from its file name '", stem, "'");
  }
  return std::move(run);
}

std::vector<std::string> complete_pieces(const std::string& directory) {
  std::vector<std::string> identities;
  std::error_code error;
  if (!fs::is_directory(directory, error)) return identities;
  fs::directory_iterator entries(directory, error);
  UFM_CHECK(!error, StorageError, directory, ": cannot list pieces: ", error.message());
  for (const fs::directory_entry& entry : entries) {
    const fs::path& path = entry.path();
    if (path.extension() != kPieceExtension || !entry.is_regular_file(error)) continue;
    std::string identity = path.stem().string();
    if (is_safe_identity(identity)) identities.push_back(std::move(identity));
  }
  std::sort(identities.begin(), identities.end());
  return identities;
}

MergeReport merge_pieces(const std::string& directory, const std::string& target,
                         const std::map<std::string, AttributeValue>& root_attributes) {
  MergeReport report;
  ResultFile merged;
  std::error_code ignored;
  // A target that exists but cannot be read may hold runs we cannot recover: stop
  // (read_result_file throws) rather than replace it with the pieces alone.
  if (fs::exists(target, ignored)) merged = read_result_file(target);
  report.runs_in_target_before = merged.runs.size();

  std::set<std::string> present;
  for (const RunRecord& run : merged.runs) present.insert(run.identity);
  for (const std::string& identity : complete_pieces(directory)) {
    if (present.count(identity) > 0) continue;  // the target's copy wins
    const std::string path = piece_path(directory, identity);
    try {
      merged.runs.push_back(read_piece(path));
    } catch (const StorageError& error) {
      report.skipped.push_back(error.what());  // already "file: reason"
      continue;
    }
    present.insert(identity);
    ++report.runs_added;
  }
  std::sort(merged.runs.begin(), merged.runs.end(),
            [](const RunRecord& a, const RunRecord& b) { return a.identity < b.identity; });
  for (const auto& [name, value] : root_attributes) merged.attributes[name] = value;
  write_result_file(target, merged, "merge");
  report.runs_in_target_after = merged.runs.size();
  return report;
}

}  // namespace ufm
