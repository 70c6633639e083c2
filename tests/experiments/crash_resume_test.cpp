// kill -9 at chosen points (UFM_FAULT, core/fault_injection.h) and resume: an interrupted
// run is redone, never reported complete with partial data, and the result file always opens.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>

#include "storage/pieces.h"
#include "storage/result_file.h"
#include "storage/schema.h"
#include "support/temp_dir.h"

namespace ufm {
namespace {

namespace fs = std::filesystem;

// Runs the ufm binary with `fault` in UFM_FAULT; returns the signal that ended it (0 if none)
// and the exit status.
std::pair<int, int> run_ufm(const std::string& output, const std::string& fault, const std::string& log) {
  std::string command = std::string(UFM_BINARY) + " run " + testing::source_path("configs/fashion_mnist_mlp.yaml") +
             " data.name=synthetic data.path= ood.dataset=synthetic ood.path= canaries.count=2 train.max_epochs=2"
             " train.batch_size=64 execution.threads=1 execution.progress=false output.path=" +
             output + " > " + log + " 2>&1";
  if (fault.empty()) {
    unsetenv("UFM_FAULT");
  } else {
    setenv("UFM_FAULT", fault.c_str(), 1);
  }
  const int status = std::system(command.c_str());
  unsetenv("UFM_FAULT");
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  // The shell reports a child killed by signal s as 128 + s.
  if (code > 128) return {code - 128, code};
  return {WIFSIGNALED(status) ? WTERMSIG(status) : 0, code};
}

std::size_t complete_runs(const std::string& output) { return complete_pieces(pieces_directory(output)).size(); }

class CrashResume : public ::testing::Test {
 protected:
  testing::TempDir temp_;
  std::string log_ = temp_.file("log.txt");
};

TEST_F(CrashResume, KilledDuringTrainingRedoesOnlyTheUnfinishedRun) {
  const std::string output = temp_.file("r.h5");
  // 512 synthetic images at batch 64 = 8 steps per epoch, 16 per run: step 20 is in run 2 of 3.
  const auto [signal, code] = run_ufm(output, "train_step:20", log_);
  ASSERT_EQ(signal, 9) << "exit " << code;
  EXPECT_EQ(complete_runs(output), 1u);
  EXPECT_FALSE(fs::exists(output)) << "no result file before the first merge";

  const auto resumed = run_ufm(output, "", log_);
  ASSERT_EQ(resumed.second, 0);
  const ResultFile file = read_result_file(output);
  ASSERT_EQ(file.runs.size(), 3u);

  // Same scores as an uninterrupted run at the same thread count.
  const std::string clean = temp_.file("clean.h5");
  ASSERT_EQ(run_ufm(clean, "", log_).second, 0);
  const ResultFile reference = read_result_file(clean);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(file.runs[i].identity, reference.runs[i].identity);
    EXPECT_EQ(file.runs[i].array(schema::kScoreM).as_doubles(), reference.runs[i].array(schema::kScoreM).as_doubles());
  }
}

TEST_F(CrashResume, KilledWhileWritingAPieceLeavesNoCompletePiece) {
  const std::string output = temp_.file("p.h5");
  ASSERT_EQ(run_ufm(output, "piece_write:1", log_).first, 9);
  EXPECT_EQ(complete_runs(output), 0u);
  bool temporary_left = false;
  for (const auto& entry : fs::directory_iterator(pieces_directory(output))) {
    temporary_left |= entry.path().string().find(".tmp-") != std::string::npos;
  }
  EXPECT_TRUE(temporary_left) << "the fault should strike mid-write";
  ASSERT_EQ(run_ufm(output, "", log_).second, 0);
  EXPECT_EQ(read_result_file(output).runs.size(), 3u);
}

TEST_F(CrashResume, KilledDuringTheMergeKeepsThePreviousResultFile) {
  const std::string output = temp_.file("m.h5");
  ASSERT_EQ(run_ufm(output, "", log_).second, 0);
  const auto before = read_result_file(output).runs.size();
  // A rerun with more canaries trains one more model, then dies while rewriting the file.
  std::string command = std::string(UFM_BINARY) + " run " +
                        testing::source_path("configs/fashion_mnist_mlp.yaml") +
                        " data.name=synthetic data.path= ood.dataset=synthetic ood.path= canaries.count=3"
                        " train.max_epochs=2 train.batch_size=64 execution.threads=1 execution.progress=false"
                        " output.path=" + output + " > " + log_ + " 2>&1";
  setenv("UFM_FAULT", "merge:1", 1);
  std::system(command.c_str());
  unsetenv("UFM_FAULT");
  const ResultFile still = read_result_file(output);
  EXPECT_EQ(still.runs.size(), before) << "the old complete file must survive a crash mid-merge";
  EXPECT_EQ(complete_runs(output), before + 1);
  // The next run (canaries.count=2 again) trains nothing and merges every complete piece:
  // the finished third canary is not lost.
  ASSERT_EQ(run_ufm(output, "", log_).second, 0);
  EXPECT_EQ(read_result_file(output).runs.size(), before + 1);
}

}  // namespace
}  // namespace ufm
