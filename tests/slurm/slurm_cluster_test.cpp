// The whole cluster path on a real (private, single-node) Slurm: `ufm slurm` submits a
// two-stage sweep as job arrays of 3 tasks, one task is killed by fault injection, a
// resubmission runs only what is missing, the merge job writes the result file, and every
// run in it matches the same sweep trained on one machine without Slurm.
// tests/slurm/private_cluster.sh starts and stops the daemons; the test is skipped (with the
// reason) where that cannot work: not root, Slurm not installed, a system Slurm running.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "support/requirements.h"
#include "storage/result_file.h"
#include "storage/schema.h"
#include "support/temp_dir.h"

namespace ufm {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Runs a shell command, returns its exit status and its stdout+stderr.
std::pair<int, std::string> shell(const std::string& command, const std::string& log) {
  const int status = std::system((command + " > " + log + " 2>&1").c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_text(log)};
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

class SlurmCluster : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto [code, text] = shell("bash " + testing::source_path("tests/slurm/private_cluster.sh") + " start " +
                                        cluster_,
                                    temp_.file("start.log"));
    UFM_REQUIRE(code != 77, text);
    ASSERT_EQ(code, 0) << text;
    started_ = true;
    setenv("SLURM_CONF", (cluster_ + "/slurm.conf").c_str(), 1);
  }
  void TearDown() override {
    if (started_) shell("bash " + testing::source_path("tests/slurm/private_cluster.sh") + " stop " + cluster_, temp_.file("stop.log"));
    unsetenv("SLURM_CONF");
  }

  std::pair<int, std::string> ufm(const std::string& arguments) {
    return shell(std::string(UFM_BINARY) + " " + arguments, temp_.file("ufm.log"));
  }

  // Waits until the private cluster's queue is empty (it runs nothing but this test's jobs).
  void wait_for_queue(double limit_seconds) {
    const auto start = Clock::now();
    while (seconds_since(start) < limit_seconds) {
      const auto [code, text] = shell("squeue -h", temp_.file("squeue.log"));
      if (code == 0 && text.empty()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    FAIL() << "jobs still queued after " << limit_seconds << " s:\n" << read_text(temp_.file("squeue.log"));
  }

  testing::TempDir temp_;
  std::string cluster_ = temp_.file("cluster");
  bool started_ = false;
};

TEST_F(SlurmCluster, KilledTaskIsRedoneByResubmissionAndTheMergeMatchesOneMachine) {
  const auto start = Clock::now();
  const std::string output = temp_.file("study/sweep.h5");
  const std::string config = temp_.file("sweep.yaml");
  // Stage 1: a control per seed; stage 2: two canaries per seed. 9 runs of 1 epoch, 1 thread.
  std::ofstream(config) << "name: slurmtest\n"
                           "data: {name: synthetic}\n"
                           "ood: {dataset: synthetic}\n"
                           "canaries: {count: 2}\n"
                           "train: {max_epochs: 1, batch_size: 64}\n"
                           "execution: {threads: 1, progress: false}\n"
                           "output: {path: " << output << "}\n"
                           "sweep:\n  train.seed: [0, 1, 2]\n";
  const auto [plan_code, plan] = ufm("plan " + config);
  ASSERT_EQ(plan_code, 0) << plan;
  ASSERT_NE(plan.find("9 runs, 0 done, 9 to run"), std::string::npos) << plan;

  // Shard 1 of stage 2 dies (SIGKILL) after its first run: 8 steps per run, so step 12.
  setenv("UFM_FAULT", "train_step:12", 1);
  setenv("UFM_FAULT_SHARD", "2:1", 1);
  const auto [submit_code, submitted] = ufm("slurm " + config + " --shards 3 --max-parallel 2");
  unsetenv("UFM_FAULT");
  unsetenv("UFM_FAULT_SHARD");
  ASSERT_EQ(submit_code, 0) << submitted;
  EXPECT_NE(submitted.find("stage 1: job"), std::string::npos) << submitted;
  EXPECT_NE(submitted.find("(6 runs in 3 array tasks)"), std::string::npos) << submitted;
  wait_for_queue(300);
  const double first_pass = seconds_since(start);

  ASSERT_TRUE(fs::exists(output)) << "the merge job runs after a failed stage too";
  EXPECT_EQ(read_result_file(output).runs.size(), 8u);
  const auto [status_code, status] = ufm("status " + output);
  ASSERT_EQ(status_code, 0) << status;
  EXPECT_NE(status.find("total: 9 runs, 8 done, 0 running, 1 missing"), std::string::npos) << status;

  const auto [again_code, again] = ufm("slurm " + config + " --shards 3 --max-parallel 2");
  ASSERT_EQ(again_code, 0) << again;
  EXPECT_EQ(again.find("stage 1:"), std::string::npos) << "stage 1 is complete: " << again;
  EXPECT_NE(again.find("stage 2: job"), std::string::npos) << again;
  EXPECT_NE(again.find("(1 run in 1 array task)"), std::string::npos) << again;
  wait_for_queue(300);

  const ResultFile merged = read_result_file(output);
  std::set<std::string> identities;
  for (const auto& run : merged.runs) identities.insert(run.identity);
  EXPECT_EQ(merged.runs.size(), 9u);
  EXPECT_EQ(identities.size(), 9u) << "every run exactly once";
  const double cluster_seconds = seconds_since(start);

  // The same sweep on one machine, same thread count, no Slurm.
  const std::string single = temp_.file("single/sweep.h5");
  const auto [single_code, single_log] = ufm("run " + config + " output.path=" + single + " -q");
  ASSERT_EQ(single_code, 0) << single_log;
  const ResultFile reference = read_result_file(single);
  ASSERT_EQ(reference.runs.size(), merged.runs.size());
  std::size_t arrays_compared = 0;
  for (std::size_t i = 0; i < merged.runs.size(); ++i) {
    const RunRecord& run = merged.runs[i];
    SCOPED_TRACE(run.identity);
    ASSERT_EQ(run.identity, reference.runs[i].identity);
    for (const auto& [path, data] : run.arrays) {
      if (path == schema::kEpochSeconds) continue;  // timing, not a result
      ASSERT_TRUE(reference.runs[i].has_array(path)) << path;
      EXPECT_EQ(data.as_doubles(), reference.runs[i].array(path).as_doubles()) << path;
      ++arrays_compared;
    }
  }
  EXPECT_GT(arrays_compared, 9u * 10u);
  EXPECT_EQ(merged.attributes.at("experiment_identity"), reference.attributes.at("experiment_identity"));

  const auto [done_code, done] = ufm("slurm " + config + " --shards 3");
  ASSERT_EQ(done_code, 0) << done;
  EXPECT_NE(done.find("nothing to submit"), std::string::npos) << done;
  std::cout << "[slurm] " << merged.runs.size() << " runs checked (" << arrays_compared
            << " arrays bit-identical to one machine); first submission incl. the killed task " << first_pass
            << " s, cluster part " << cluster_seconds << " s, whole test " << seconds_since(start) << " s\n";
}

}  // namespace
}  // namespace ufm
