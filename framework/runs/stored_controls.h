#pragma once
/// Control runs already stored by an experiment (its pieces, else its result file), read
/// back once each: whole records for canaries that re-score their control's model, and
/// attributes only (no scores, probes or weights) for the check that a canary is paired
/// with a control that ran the same arithmetic. Thread-safe.
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "storage/result_file.h"

namespace ufm {

class StoredControls {
 public:
  /// `pieces`: the experiment's pieces directory; `result_path`: its merged result file.
  StoredControls(std::string pieces, std::string result_path)
      : pieces_(std::move(pieces)), result_path_(std::move(result_path)) {}

  /// The stored run, or nullptr when it is stored nowhere.
  const RunRecord* record(const std::string& identity);
  /// The stored run's attributes, or nullptr.
  const std::map<std::string, AttributeValue>* attributes(const std::string& identity);

 private:
  std::string pieces_;
  std::string result_path_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<RunRecord>> records_;
  std::shared_ptr<ResultFile> stored_;
  std::map<std::string, std::map<std::string, AttributeValue>> attributes_;
  std::shared_ptr<ResultFile> stored_attributes_;
};

}  // namespace ufm
