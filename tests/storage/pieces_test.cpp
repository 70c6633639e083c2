#include "storage/pieces.h"

#include <H5Cpp.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "core/error.h"
#include "storage/result_file.h"
#include "storage/schema.h"
#include "storage/test_records.h"
#include "support/temp_dir.h"

namespace ufm {
namespace {

namespace fs = std::filesystem;
using testing::sample_run;
using testing::TempDir;

std::vector<std::string> identities_of(const ResultFile& file) {
  std::vector<std::string> identities;
  for (const RunRecord& run : file.runs) identities.push_back(run.identity);
  return identities;
}

TEST(Pieces, DirectorySitsNextToTheResultFile) {
  EXPECT_EQ(pieces_directory("results/sweep.h5"), "results/sweep.h5.d");
}

TEST(Pieces, PieceIsAResultFileWithOneRun) {
  TempDir dir;
  const std::string pieces = dir.file("out.h5.d");  // created on demand
  write_piece(pieces, sample_run("abc_1-2"));
  ResultFile file = read_result_file(pieces + "/abc_1-2.h5");
  ASSERT_EQ(file.runs.size(), 1u);
  EXPECT_EQ(file.runs[0].identity, "abc_1-2");
  EXPECT_EQ(read_piece(pieces + "/abc_1-2.h5").attributes, sample_run("abc_1-2").attributes);
  EXPECT_EQ(complete_pieces(pieces), std::vector<std::string>{"abc_1-2"});
}

TEST(Pieces, RejectsIdentityThatIsNotASafeFileName) {
  TempDir dir;
  for (const char* identity : {"", "a/b", "../x", "a b", "a.b"}) {
    SCOPED_TRACE(identity);
    RunRecord run = sample_run("x");
    run.identity = identity;
    run.attributes.erase(schema::kIdentity);
    EXPECT_THROW(write_piece(dir.path(), run), StorageError);
  }
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(Pieces, CompletePiecesIgnoresTemporaryAndForeignFiles) {
  TempDir dir;
  write_piece(dir.path(), sample_run("b"));
  write_piece(dir.path(), sample_run("a"));
  testing::write_bytes(dir.file("x.h5.tmp-123"), "half a file");  // a crash mid-write
  testing::write_bytes(dir.file("notes.txt"), "text");
  fs::create_directory(dir.file("folder.h5"));
  EXPECT_EQ(complete_pieces(dir.path()), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(complete_pieces(dir.file("absent")).empty());
}

TEST(Pieces, ThreadsCanWritePiecesConcurrently) {
  TempDir dir;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&dir, t] {
      for (int i = 0; i < 3; ++i) {
        write_piece(dir.path(), sample_run("t" + std::to_string(t) + "_" + std::to_string(i)));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_EQ(complete_pieces(dir.path()).size(), 12u);
  for (const std::string& identity : complete_pieces(dir.path())) {
    EXPECT_EQ(read_piece(dir.file(identity + ".h5")).identity, identity);
  }
}

TEST(Pieces, MergeAddsPiecesToANewTarget) {
  TempDir dir;
  const std::string target = dir.file("out.h5");
  const std::string pieces = pieces_directory(target);
  for (const char* identity : {"r2", "r1", "r3"}) write_piece(pieces, sample_run(identity));
  MergeReport report = merge_pieces(pieces, target, {{"config", std::string("experiment: x")}});
  EXPECT_EQ(report.runs_in_target_before, 0u);
  EXPECT_EQ(report.runs_added, 3u);
  EXPECT_EQ(report.runs_in_target_after, 3u);
  EXPECT_TRUE(report.skipped.empty());
  ResultFile merged = read_result_file(target);
  EXPECT_EQ(identities_of(merged), (std::vector<std::string>{"r1", "r2", "r3"}));
  EXPECT_EQ(std::get<std::string>(merged.attributes.at("config")), "experiment: x");
  EXPECT_EQ(merged.runs[1].arrays.size(), sample_run("r2").arrays.size());
}

TEST(Pieces, MergingTwiceGivesTheSameRuns) {
  TempDir dir;
  const std::string target = dir.file("out.h5");
  const std::string pieces = pieces_directory(target);
  write_piece(pieces, sample_run("r1"));
  write_piece(pieces, sample_run("r2"));
  merge_pieces(pieces, target, {});
  const ResultFile once = read_result_file(target);
  MergeReport again = merge_pieces(pieces, target, {});
  EXPECT_EQ(again.runs_in_target_before, 2u);
  EXPECT_EQ(again.runs_added, 0u);
  EXPECT_EQ(again.runs_in_target_after, 2u);
  const ResultFile twice = read_result_file(target);
  EXPECT_EQ(identities_of(once), identities_of(twice));
  for (std::size_t i = 0; i < once.runs.size(); ++i) {
    EXPECT_EQ(once.runs[i].attributes, twice.runs[i].attributes);
    EXPECT_EQ(once.runs[i].arrays.size(), twice.runs[i].arrays.size());
  }
}

TEST(Pieces, MergeNeverDropsRunsAlreadyInTheTargetAndKeepsTheirCopy) {
  TempDir dir;
  const std::string target = dir.file("out.h5");
  const std::string pieces = pieces_directory(target);
  ResultFile existing;
  existing.attributes["config"] = std::string("old config");
  existing.attributes["host"] = std::string("node7");
  existing.runs.push_back(sample_run("only_in_target"));
  existing.runs.push_back(sample_run("both"));
  existing.runs.back().attributes["learning_rate"] = 0.5;
  write_result_file(target, existing);

  RunRecord newer = sample_run("both");
  newer.attributes["learning_rate"] = 0.9;
  write_piece(pieces, newer);
  write_piece(pieces, sample_run("only_in_pieces"));

  MergeReport report = merge_pieces(pieces, target, {{"config", std::string("new config")}});
  EXPECT_EQ(report.runs_in_target_before, 2u);
  EXPECT_EQ(report.runs_added, 1u);
  EXPECT_EQ(report.runs_in_target_after, 3u);
  ResultFile merged = read_result_file(target);
  EXPECT_EQ(identities_of(merged), (std::vector<std::string>{"both", "only_in_pieces", "only_in_target"}));
  EXPECT_EQ(merged.runs[0].double_attribute("learning_rate"), 0.5);
  EXPECT_EQ(std::get<std::string>(merged.attributes.at("config")), "new config");
  EXPECT_EQ(std::get<std::string>(merged.attributes.at("host")), "node7");
}

TEST(Pieces, MergeSkipsACorruptPieceAndReportsIt) {
  TempDir dir;
  const std::string target = dir.file("out.h5");
  const std::string pieces = pieces_directory(target);
  write_piece(pieces, sample_run("good"));
  // An HDF5 signature followed by garbage: the worst case, past the signature check.
  const std::string signature("\x89HDF\r\n\x1a\n", 8);
  testing::write_bytes(pieces + "/bad.h5", signature + " garbage" + std::string(500, '\0'));
  MergeReport report = merge_pieces(pieces, target, {});
  EXPECT_EQ(report.runs_added, 1u);
  ASSERT_EQ(report.skipped.size(), 1u);
  EXPECT_NE(report.skipped[0].find(pieces + "/bad.h5: "), std::string::npos) << report.skipped[0];
  EXPECT_EQ(stored_run_identities(target), std::vector<std::string>{"good"});
}

TEST(Pieces, MergeSkipsAPieceWhoseRunDoesNotMatchItsName) {
  TempDir dir;
  const std::string target = dir.file("out.h5");
  const std::string pieces = pieces_directory(target);
  write_piece(pieces, sample_run("good"));
  write_piece(pieces, sample_run("original"));
  fs::rename(pieces + "/original.h5", pieces + "/renamed.h5");
  MergeReport report = merge_pieces(pieces, target, {});
  EXPECT_EQ(report.runs_added, 1u);
  ASSERT_EQ(report.skipped.size(), 1u);
  EXPECT_NE(report.skipped[0].find("renamed.h5"), std::string::npos) << report.skipped[0];
  EXPECT_EQ(stored_run_identities(target), std::vector<std::string>{"good"});
}

TEST(Pieces, MergeSkipsAPieceWhoseIdentityAttributeDiffers) {
  TempDir dir;
  const std::string target = dir.file("out.h5");
  const std::string pieces = pieces_directory(target);
  write_piece(pieces, sample_run("good"));
  write_piece(pieces, sample_run("forged"));
  {
    H5::H5File h5(pieces + "/forged.h5", H5F_ACC_RDWR);
    H5::Group run = h5.openGroup("/runs/forged");
    run.removeAttr(schema::kIdentity);
    H5::StrType text(H5::PredType::C_S1, H5T_VARIABLE);
    run.createAttribute(schema::kIdentity, text, H5::DataSpace(H5S_SCALAR)).write(text, std::string("other"));
  }
  EXPECT_THROW(read_piece(pieces + "/forged.h5"), StorageError);
  MergeReport report = merge_pieces(pieces, target, {});
  ASSERT_EQ(report.skipped.size(), 1u);
  EXPECT_NE(report.skipped[0].find("forged.h5"), std::string::npos) << report.skipped[0];
  EXPECT_NE(report.skipped[0].find(schema::kIdentity), std::string::npos) << report.skipped[0];
  EXPECT_EQ(stored_run_identities(target), std::vector<std::string>{"good"});
}

TEST(Pieces, MergeRefusesAnUnreadableTargetWithoutTouchingIt) {
  TempDir dir;
  const std::string target = dir.file("out.h5");
  const std::string pieces = pieces_directory(target);
  write_piece(pieces, sample_run("r1"));
  const std::string garbage(1000, '\x42');
  testing::write_bytes(target, garbage);
  try {
    merge_pieces(pieces, target, {});
    FAIL() << "expected StorageError";
  } catch (const StorageError& error) {
    EXPECT_NE(std::string(error.what()).find(target), std::string::npos) << error.what();
  }
  EXPECT_EQ(testing::read_bytes(target), garbage);
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().string().find(".tmp-"), std::string::npos) << entry.path();
  }
}

TEST(Pieces, LeavesNoHdf5FileOpenAfterMergingOrFailing) {
  TempDir dir;
  const std::string target = dir.file("out.h5");
  const std::string pieces = pieces_directory(target);
  write_piece(pieces, sample_run("r1"));
  testing::write_bytes(pieces + "/bad.h5", "garbage");
  merge_pieces(pieces, target, {});
  EXPECT_THROW(read_result_file(pieces + "/bad.h5"), StorageError);
  // Transient datatypes (the C++ API's predefined types) stay open by design; files,
  // groups, datasets and attributes must all be closed.
  const unsigned kinds = H5F_OBJ_FILE | H5F_OBJ_GROUP | H5F_OBJ_DATASET | H5F_OBJ_ATTR;
  EXPECT_EQ(H5Fget_obj_count(H5F_OBJ_ALL, kinds), 0);
}

}  // namespace
}  // namespace ufm
