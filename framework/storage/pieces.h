#pragma once
/// Crash-safe pieces: each completed run is one small HDF5 file in "<output>.d/",
/// written under a temporary name and renamed into place only when complete. The result
/// file is rebuilt from the pieces (plus the runs it already holds) by merge_pieces.
#include <map>
#include <string>
#include <vector>

#include "storage/run_record.h"

namespace ufm {

/// "<output_path>.d".
std::string pieces_directory(const std::string& output_path);

/// Writes `run` as "<directory>/<identity>.h5" (temporary name, fsync, rename).
/// The directory is created when missing; the identity must match [0-9A-Za-z_-]+
/// (it is a file name), else StorageError.
void write_piece(const std::string& directory, const RunRecord& run);

/// Reads one piece: a result file holding exactly one run whose group name, and its
/// `identity` attribute where present, equal the file's name without ".h5". Throws
/// StorageError naming the piece otherwise.
RunRecord read_piece(const std::string& piece_path);

/// Identities of the complete pieces in `directory`, sorted: the names of its "*.h5" files
/// that are valid identities (temporary files are ignored). Empty when it does not exist.
std::vector<std::string> complete_pieces(const std::string& directory);

struct MergeReport {
  std::size_t runs_in_target_before = 0;
  std::size_t runs_added = 0;
  std::size_t runs_in_target_after = 0;
  std::vector<std::string> skipped;  ///< "file: reason" for unreadable or misnamed pieces
};

/// Rebuilds `target` from the runs it already holds plus every complete piece, with
/// `root_attributes` at the root (existing root attributes are kept where not given).
/// Never drops a run already in the target; a run present in both is kept once (the
/// target's copy, and the piece is not read). Written atomically (see write_result_file).
/// A target that exists but cannot be read is an error and is left untouched; pieces
/// that cannot be read are skipped and listed in the report. Pieces are not deleted.
MergeReport merge_pieces(const std::string& directory, const std::string& target,
                         const std::map<std::string, AttributeValue>& root_attributes);

}  // namespace ufm
