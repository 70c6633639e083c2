#pragma once
/// Reading and writing whole result files (HDF5). HDF5 stays inside storage/.
#include <string>
#include <vector>

#include "storage/run_record.h"

namespace ufm {

/// Writes `file` to `path` atomically: into "<path>.tmp-<pid>", flushed and closed, then
/// renamed over `path`, so `path` is always either the old complete file or the new one.
/// Parent directories are created; `schema_version` is always written as schema::kVersion.
/// Every non-scalar array needs one axis name per dimension in ArrayData::axes.
/// `fault_point_name` names the crash point tests can trigger mid-write (core/fault_injection.h).
void write_result_file(const std::string& path, const ResultFile& file,
                       const char* fault_point_name = "result_write");

/// Reads a whole result file; throws StorageError naming the file and the object when it
/// is not a result file, or its schema_version is newer than this program's. The root
/// attributes include `schema_version` as stored; runs come sorted by identity; objects
/// this schema cannot represent (string datasets, array attributes, ...) are ignored.
ResultFile read_result_file(const std::string& path);

/// The same with each run's attributes only, no arrays: a cheap read of how stored runs were
/// made (threads, device, settings) without their scores, probes or weights.
ResultFile read_result_attributes(const std::string& path);

/// Run identities stored in a result file (empty when the file does not exist).
std::vector<std::string> stored_run_identities(const std::string& path);

}  // namespace ufm
