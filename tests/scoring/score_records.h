#pragma once
// What the scorer contract tests share: a record holding a scorer's result, a round trip
// through a real HDF5 result file, and value-by-value comparison (NaN equal to NaN).
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "scoring/scorer.h"
#include "storage/result_file.h"
#include "storage/schema.h"
#include "support/temp_dir.h"

namespace ufm::testing {

// A complete run named "canary" (label >= 0) or "control" holding `result`.
inline RunRecord scored_record(std::int64_t label, const ScoreResult& result) {
  RunRecord run;
  run.identity = label < 0 ? "control" : "canary";
  run.attributes[schema::kIdentity] = run.identity;
  run.attributes[schema::kStatus] = std::string(schema::kStatusComplete);
  run.arrays = result.arrays;
  for (const auto& [key, value] : result.attributes) run.attributes[key] = value;
  return run;
}

// `file` written to and read back from a real result file.
inline ResultFile round_trip(const ResultFile& file) {
  TempDir temp;
  write_result_file(temp.file("scores.h5"), file);
  return read_result_file(temp.file("scores.h5"));
}

inline const RunRecord* find_run(const ResultFile& file, const std::string& identity) {
  for (const RunRecord& run : file.runs) {
    if (run.identity == identity) return &run;
  }
  return nullptr;
}

inline void expect_same_array(const ArrayData& read, const ArrayData& written) {
  EXPECT_EQ(read.axes, written.axes);
  EXPECT_EQ(read.shape, written.shape);
  const auto a = read.as_doubles(), b = written.as_doubles();
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!(std::isnan(a[i]) && std::isnan(b[i]))) {
      EXPECT_EQ(a[i], b[i]) << i;
    }
  }
}

}  // namespace ufm::testing
