// The lossless merge of pieces into a result file, and the study bookkeeping around it.
#include "runs/study.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config/experiment_config.h"
#include "core/error.h"
#include "core/text.h"
#include "runs/plan_fixtures.h"
#include "storage/pieces.h"
#include "storage/result_file.h"
#include "storage/schema.h"
#include "support/temp_dir.h"

namespace ufm {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// A stored run as the executor writes it, as far as merging is concerned.
RunRecord record_of(const PlannedRun& run, double m = 0.5) {
  RunRecord record;
  record.identity = run.identity;
  record.attributes[schema::kIdentity] = run.identity;
  record.attributes[schema::kStatus] = std::string(schema::kStatusComplete);
  record.attributes[schema::kRunConfig] = to_yaml(run.config);
  record.attributes[schema::kVaryingKeys] = join(run.varying, ";");
  record.arrays[schema::kScoreM] = ArrayData::scalar(m);
  return record;
}

std::vector<std::string> identities_in(const std::string& path) {
  std::vector<std::string> identities;
  for (const auto& run : read_result_file(path).runs) identities.push_back(run.identity);
  return identities;
}

std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class MergeStudy : public ::testing::Test {
 protected:
  testing::TempDir temp_;
  std::string target_ = temp_.file("study.h5");
  std::string pieces_ = pieces_directory(target_);
  ExperimentPlan plan_ = testing::seed_sweep_plan(2, 2);
};

TEST_F(MergeStudy, IsIdempotentAndNeverDropsARunAlreadyInTheTarget) {
  write_piece(pieces_, record_of(plan_.runs[0]));
  write_piece(pieces_, record_of(plan_.runs[1]));
  MergeSummary first = merge_study(pieces_, target_);
  EXPECT_EQ(first.runs_added, 2u);
  EXPECT_EQ(first.runs_after, 2u);
  // The piece of run 0 disappears (cleaned up, or on a scratch disk that expired) and a new
  // piece arrives: run 0 stays in the file.
  fs::remove(pieces_ + "/" + plan_.runs[0].identity + ".h5");
  write_piece(pieces_, record_of(plan_.runs[2]));
  const MergeSummary second = merge_study(pieces_, target_);
  EXPECT_EQ(second.runs_before, 2u);
  EXPECT_EQ(second.runs_added, 1u);
  const auto after = identities_in(target_);
  EXPECT_EQ(after.size(), 3u);
  EXPECT_NE(std::find(after.begin(), after.end(), plan_.runs[0].identity), after.end());
  const MergeSummary third = merge_study(pieces_, target_);
  EXPECT_EQ(third.runs_added, 0u);
  EXPECT_EQ(identities_in(target_), after);
}

TEST_F(MergeStudy, SkipsAndListsIncompleteAndUnreadablePieces) {
  write_piece(pieces_, record_of(plan_.runs[0]));
  std::ofstream(pieces_ + "/" + plan_.runs[1].identity + ".h5.tmp-4242") << "half a piece";
  std::ofstream(pieces_ + "/" + plan_.runs[2].identity + ".h5") << "not hdf5 at all";
  const MergeSummary summary = merge_study(pieces_, target_);
  EXPECT_EQ(summary.runs_added, 1u);
  ASSERT_EQ(summary.incomplete.size(), 1u);
  EXPECT_THAT(summary.incomplete.front(), HasSubstr(".tmp-4242"));
  ASSERT_EQ(summary.corrupt.size(), 1u);
  EXPECT_THAT(summary.corrupt.front(), HasSubstr(plan_.runs[2].identity));
  EXPECT_EQ(identities_in(target_), std::vector<std::string>{plan_.runs[0].identity});
}

TEST_F(MergeStudy, RefusesAPieceWhoseIdentityDoesNotMatchItsConfigAndLeavesTheTarget) {
  write_piece(pieces_, record_of(plan_.runs[0]));
  merge_study(pieces_, target_);
  const std::string before = bytes_of(target_);
  // Filed under run 1's identity, but holding run 2's config.
  RunRecord forged = record_of(plan_.runs[2]);
  forged.identity = plan_.runs[1].identity;
  forged.attributes[schema::kIdentity] = plan_.runs[1].identity;
  write_piece(pieces_, forged);
  try {
    merge_study(pieces_, target_);
    FAIL() << "the forged piece was merged";
  } catch (const StorageError& error) {
    EXPECT_THAT(error.what(), HasSubstr(plan_.runs[1].identity + ".h5: identity mismatch"));
    EXPECT_THAT(error.what(), HasSubstr(plan_.runs[2].identity));
  }
  EXPECT_EQ(bytes_of(target_), before);
}

TEST_F(MergeStudy, RefusesPiecesThatDifferInAKeyNobodySweeps) {
  write_piece(pieces_, record_of(plan_.runs[0]));
  merge_study(pieces_, target_);
  const std::string before = bytes_of(target_);
  // The same seed-0 control, trained at another learning rate: a different experiment.
  PlannedRun other = plan_.runs[0];
  other.config.train.learning_rate = 0.123;
  other.identity = run_identity(other.config);
  write_piece(pieces_, record_of(other));
  try {
    merge_study(pieces_, target_);
    FAIL() << "pieces of two experiments were merged";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr("train.learning_rate"));
    EXPECT_THAT(error.what(), HasSubstr(other.identity + ".h5"));
    EXPECT_THAT(error.what(), HasSubstr("different experiments"));
  }
  EXPECT_EQ(bytes_of(target_), before);
}

TEST_F(MergeStudy, AcceptsPiecesThatDifferInSweptAndExecutionKeysOnly) {
  for (const PlannedRun& run : plan_.runs) {  // train.seed is swept
    PlannedRun copy = run;
    copy.config.execution.threads = copy.point == 0 ? 1 : 4;  // executed differently
    copy.config.output.path = "elsewhere-" + std::to_string(copy.point) + ".h5";
    write_piece(pieces_, record_of(copy));
  }
  const MergeSummary summary = merge_study(pieces_, target_);
  EXPECT_EQ(summary.runs_after, plan_.runs.size());
}

TEST_F(MergeStudy, RefusesAnUnreadableTargetAndLeavesIt) {
  write_piece(pieces_, record_of(plan_.runs[0]));
  std::ofstream(target_) << "precious but not a result file";
  EXPECT_THROW(merge_study(pieces_, target_), StorageError);
  EXPECT_EQ(bytes_of(target_), "precious but not a result file");
}

TEST(ResolvePiecesDirectory, AcceptsThePiecesDirectoryTheResultFileOrTheDirectoryHoldingThem) {
  testing::TempDir temp;
  const std::string pieces = temp.file("a.h5.d");
  fs::create_directories(pieces);
  EXPECT_EQ(resolve_pieces_directory(pieces), pieces);
  EXPECT_EQ(resolve_pieces_directory(pieces + "/"), pieces);
  EXPECT_EQ(resolve_pieces_directory(temp.file("a.h5")), pieces);
  EXPECT_EQ(resolve_pieces_directory(temp.path()), pieces);
  fs::create_directories(temp.file("b.h5.d"));
  EXPECT_THROW(resolve_pieces_directory(temp.path()), DataError);
  EXPECT_THROW(resolve_pieces_directory(temp.file("missing.h5")), DataError);
}

TEST(StudyDescription, RoundTripsConfigAndOverrides) {
  testing::TempDir temp;
  EXPECT_FALSE(read_study_description(temp.path()).has_value());
  write_study_description(temp.path(), StudyDescription{"name: x\n", {"train.seed=3", "canaries.indices=[1, 2]"}});
  const auto study = read_study_description(temp.path());
  ASSERT_TRUE(study.has_value());
  EXPECT_EQ(study->config_text, "name: x\n");
  EXPECT_EQ(study->overrides, (std::vector<std::string>{"train.seed=3", "canaries.indices=[1, 2]"}));
}

TEST(RunningMarker, ExistsWhileTheRunTrains) {
  testing::TempDir temp;
  const auto markers = [&] {
    std::size_t n = 0;
    if (fs::exists(temp.file("running"))) {
      for (const auto& entry : fs::directory_iterator(temp.file("running"))) n += entry.is_regular_file() ? 1 : 0;
    }
    return n;
  };
  {
    RunningMarker marker(temp.path(), "0123456789abcdef");
    EXPECT_EQ(markers(), 1u);
  }
  EXPECT_EQ(markers(), 0u);
}

}  // namespace
}  // namespace ufm
