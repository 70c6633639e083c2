#pragma once
/// Run records and file helpers shared by the storage tests.
#include <fstream>
#include <iterator>
#include <string>

#include "storage/run_record.h"

namespace ufm::testing {

/// An array of `shape` holding 0, 1, 2, ... (times `scale`) as type T.
template <typename T>
ArrayData counting_array(std::vector<std::int64_t> shape, std::string axes, double scale = 1.0) {
  ArrayData array;
  array.shape = std::move(shape);
  array.axes = std::move(axes);
  std::vector<T> values(static_cast<std::size_t>(array.element_count()));
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<T>(static_cast<double>(i) * scale);
  array.values = std::move(values);
  return array;
}

/// A run with one attribute of every type and one array of every type and rank.
inline RunRecord sample_run(const std::string& identity) {
  RunRecord run;
  run.identity = identity;
  run.attributes["identity"] = identity;
  run.attributes["seed"] = std::int64_t{-1234567890123};
  run.attributes["learning_rate"] = 0.1;
  run.attributes["status"] = std::string("complete");
  run.arrays["scores/M"] = ArrayData::scalar(0.75);
  run.arrays["best_epoch"] = counting_array<std::int64_t>({}, "");
  run.arrays["history/val_loss"] = ArrayData::vector({0.5, 0.25, 0.125}, "epoch");
  run.arrays["history/empty"] = ArrayData::vector({}, "epoch");
  run.arrays["probes/clean"] = counting_array<float>({4, 3}, "image,class", 0.5);
  run.arrays["probes/ood_labels"] = counting_array<std::int64_t>({4}, "image");
  run.arrays["deep/a/b/c"] = counting_array<double>({2, 1, 2}, "x,y,z", -1.5);
  return run;
}

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

}  // namespace ufm::testing
