#pragma once
/// Whole text files read and written with one-line errors naming the file: configs, study
/// descriptions, unit lists, Slurm scripts, plot data.
#include <string>

namespace ufm {

/// The file's contents. DataError "<path>: cannot read <what> (...)" when it is missing or
/// unreadable; `what` says what the file was expected to be ("the experiment config").
std::string read_text_file(const std::string& path, const std::string& what);

/// Replaces the file with `text`. StorageError "<path>: cannot write" on failure.
void write_text_file(const std::string& path, const std::string& text);

/// The same, written under a temporary name beside `path` and renamed into place, so a
/// reader (another shard, a crash) never sees half a file.
void write_text_file_atomically(const std::string& path, const std::string& text);

}  // namespace ufm
