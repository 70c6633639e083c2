// Two result files agree when every run's arrays and attributes are bit-identical, timings,
// timestamps, host and versions excepted.
#include "storage/result_diff.h"

#include <gtest/gtest.h>

#include <cmath>

#include "storage/schema.h"

namespace ufm {
namespace {

ResultFile one_run() {
  ResultFile file;
  RunRecord run;
  run.identity = "abc";
  run.attributes["threads"] = std::int64_t{2};
  run.attributes["train_seconds"] = 12.5;
  run.attributes["hostname"] = std::string("node1");
  run.arrays[schema::kScoreM] = ArrayData::scalar(0.25);
  run.arrays[schema::kEpochSeconds] = ArrayData::vector({1.0, 1.1}, "epoch");
  file.runs.push_back(run);
  return file;
}

TEST(ResultDifferences, IgnoreTimingsHostsAndVersionsButNotScores) {
  const ResultFile before = one_run();
  ResultFile after = one_run();
  after.runs[0].attributes["train_seconds"] = 99.0;
  after.runs[0].attributes["hostname"] = std::string("node2");
  after.runs[0].arrays[schema::kEpochSeconds] = ArrayData::vector({3.0, 3.1}, "epoch");
  EXPECT_TRUE(result_differences(before, after).empty());
  after.runs[0].arrays[schema::kScoreM] = ArrayData::scalar(std::nextafter(0.25, 1.0));  // one ulp
  const auto differences = result_differences(before, after);
  ASSERT_EQ(differences.size(), 1u);
  EXPECT_NE(differences[0].find("scores/M differs"), std::string::npos) << differences[0];
}

TEST(ResultDifferences, NameMissingRunsAttributesAndOutputs) {
  const ResultFile before = one_run();
  ResultFile after = one_run();
  after.runs[0].attributes["threads"] = std::int64_t{1};
  after.runs[0].arrays[schema::kScoreMProb] = ArrayData::scalar(0.1);
  EXPECT_EQ(result_differences(before, after).size(), 2u);
  ResultDiffOptions allow;
  allow.allow_added = true;
  EXPECT_EQ(result_differences(before, after, allow).size(), 1u);  // the thread count still differs
  after.runs[0].identity = "other";
  EXPECT_EQ(result_differences(before, after).size(), 2u);  // each run only in one file
}

// Property: with allow_added a multi-line attribute (a stored config) may gain lines, never
// lose or change one.
TEST(ResultDifferences, AllowAddedAcceptsAConfigThatOnlyGainsLines) {
  ResultFile before = one_run();
  before.runs[0].attributes["config"] = std::string("canaries:\n  count: 10\ntrain:\n  seed: 0\n");
  ResultFile after = before;
  after.runs[0].attributes["config"] = std::string("canaries:\n  count: 10\n  mode: pairs\ntrain:\n  seed: 0\n");
  ResultDiffOptions allow;
  allow.allow_added = true;
  EXPECT_EQ(result_differences(before, after).size(), 1u);
  EXPECT_TRUE(result_differences(before, after, allow).empty());
  after.runs[0].attributes["config"] = std::string("canaries:\n  count: 11\n  mode: pairs\ntrain:\n  seed: 0\n");
  EXPECT_EQ(result_differences(before, after, allow).size(), 1u);
}

TEST(ResultDifferences, ToleranceAdmitsRoundingOfFloatsOnlyAndNeverOfIntegers) {
  const ResultFile before = one_run();
  ResultFile after = one_run();
  after.runs[0].arrays[schema::kScoreM] = ArrayData::scalar(0.25 + 1e-9);
  ResultDiffOptions close;
  close.tolerance = 1e-6;
  EXPECT_EQ(result_differences(before, after).size(), 1u);
  EXPECT_TRUE(result_differences(before, after, close).empty());
  after.runs[0].arrays[schema::kScoreM] = ArrayData::scalar(0.25 + 1e-5);
  EXPECT_EQ(result_differences(before, after, close).size(), 1u);
  after = one_run();
  after.runs[0].attributes["threads"] = std::int64_t{3};
  EXPECT_EQ(result_differences(before, after, close).size(), 1u);
}

TEST(ResultDifferences, WhereTheFileWasWrittenIsNotADifferenceButOtherConfigLinesAre) {
  ResultFile before = one_run(), after = one_run();
  before.runs[0].attributes["config"] = std::string("name: x\noutput:\n  path: /a/r.h5\ntrain:\n  seed: 1\n");
  after.runs[0].attributes["config"] = std::string("name: x\noutput:\n  path: /b/r.h5\ntrain:\n  seed: 1\n");
  before.attributes["config_source"] = std::string("# override: output.path=/a/r.h5\nname: x\n");
  after.attributes["config_source"] = std::string("# override: output.path=/b/r.h5\nname: x\n");
  EXPECT_TRUE(result_differences(before, after).empty());
  after.runs[0].attributes["config"] = std::string("name: x\noutput:\n  path: /b/r.h5\ntrain:\n  seed: 2\n");
  const auto differences = result_differences(before, after);
  ASSERT_EQ(differences.size(), 1u);
  EXPECT_NE(differences[0].find("seed: 2"), std::string::npos) << differences[0];
}

}  // namespace
}  // namespace ufm
