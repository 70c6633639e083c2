#include "runs/stored_controls.h"

#include <filesystem>
#include <optional>

#include "storage/pieces.h"

namespace ufm {

const RunRecord* StoredControls::record(const std::string& identity) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = records_.find(identity);
  if (found != records_.end()) return found->second.get();
  std::shared_ptr<RunRecord> record;
  const std::string piece = pieces_ + "/" + identity + ".h5";
  if (std::filesystem::exists(piece)) {
    record = std::make_shared<RunRecord>(read_piece(piece));
  } else if (std::filesystem::exists(result_path_)) {
    if (!stored_) stored_ = std::make_shared<ResultFile>(read_result_file(result_path_));
    for (const auto& candidate : stored_->runs) {
      if (candidate.identity == identity) record = std::make_shared<RunRecord>(candidate);
    }
  }
  records_[identity] = record;
  return record.get();
}

const std::map<std::string, AttributeValue>* StoredControls::attributes(const std::string& identity) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = attributes_.find(identity);
  if (found != attributes_.end()) return &found->second;
  const std::string piece = pieces_ + "/" + identity + ".h5";
  std::optional<std::map<std::string, AttributeValue>> attributes;
  if (std::filesystem::exists(piece)) {
    const ResultFile file = read_result_attributes(piece);
    if (!file.runs.empty()) attributes = file.runs.front().attributes;
  } else if (std::filesystem::exists(result_path_)) {
    if (!stored_attributes_) stored_attributes_ = std::make_shared<ResultFile>(read_result_attributes(result_path_));
    for (const auto& candidate : stored_attributes_->runs) {
      if (candidate.identity == identity) attributes = candidate.attributes;
    }
  }
  if (!attributes) return nullptr;
  return &(attributes_[identity] = std::move(*attributes));
}

}  // namespace ufm
