// `ufm run --shard`, `ufm merge`, `ufm status` and `ufm slurm` in-process, on synthetic data.
// sbatch, scancel and squeue are stand-in scripts on PATH here, so these tests need no
// cluster; tests/slurm/ runs the same commands against a real one.
#include "cli.h"
#include "experiments/invocation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "storage/pieces.h"
#include "storage/result_file.h"
#include "storage/schema.h"
#include "support/temp_dir.h"

namespace ufm {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

using testing::Invocation;
using testing::ufm_main;

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Three seeds, each with a control (stage 1) and two canaries (stage 2): 9 runs, 1 epoch.
std::string sweep_yaml(const std::string& output) {
  return "name: cluster\n"
         "data: {name: synthetic}\n"
         "ood: {dataset: synthetic}\n"
         "canaries: {count: 2}\n"
         "train: {max_epochs: 1, batch_size: 64}\n"
         "execution: {threads: 1, progress: false}\n"
         "output: {path: " + output + "}\n"
         "sweep:\n  train.seed: [0, 1, 2]\n";
}

class ClusterCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* path = std::getenv("PATH");
    saved_path_ = path ? path : "";
    fs::create_directories(bin_);
    output_ = temp_.file("out/study.h5");
    config_ = temp_.file("sweep.yaml");
    std::ofstream(config_) << sweep_yaml(output_);
  }
  void TearDown() override { setenv("PATH", saved_path_.c_str(), 1); }

  // A stand-in for a Slurm command: a shell script in bin_, which is then all of PATH.
  void fake(const std::string& name, const std::string& body) {
    const std::string path = bin_ + "/" + name;
    std::ofstream(path) << "#!/bin/sh\nPATH=/usr/bin:/bin\n" << body;
    fs::permissions(path, fs::perms::owner_all);
    setenv("PATH", bin_.c_str(), 1);
  }
  // sbatch that logs its arguments and answers job ids 101, 102, ... until call `fail_at`.
  void fake_sbatch(int fail_at = 1000) {
    fake("sbatch", "n=$(cat " + bin_ + "/count 2>/dev/null || echo 0); n=$((n+1)); echo $n > " + bin_ +
                       "/count\necho \"$@\" >> " + bin_ + "/sbatch.log\nif [ $n -ge " + std::to_string(fail_at) +
                       " ]; then echo 'sbatch: error: Batch job submission failed: Invalid partition name specified' "
                       ">&2; exit 1; fi\necho $((100+n))\n");
    fake("scancel", "echo \"$@\" >> " + bin_ + "/scancel.log\n");
  }
  std::vector<std::string> slurm_args(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"slurm", config_, "--shards", "3", "--max-parallel", "2", "--binary", UFM_BINARY};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  testing::TempDir temp_;
  std::string bin_ = temp_.file("bin");
  std::string output_, config_, saved_path_;
};

TEST_F(ClusterCommands, ShardsThenMergeGiveTheSameFileAsOneMachine) {
  for (int stage = 0; stage < 2; ++stage) {
    for (int i = 0; i < 3; ++i) {
      const Invocation shard = ufm_main({"run", config_, "--shard", std::to_string(i) + "/3", "-q"});
      ASSERT_EQ(shard.status, 0) << shard.err;
      EXPECT_FALSE(fs::exists(output_)) << "a shard writes pieces only";
    }
  }
  const Invocation status = ufm_main({"status", output_});
  ASSERT_EQ(status.status, 0) << status.err;
  EXPECT_THAT(status.out, HasSubstr("total: 9 runs, 9 done, 0 running, 0 missing"));
  const Invocation merge = ufm_main({"merge", pieces_directory(output_), "-o", output_});
  ASSERT_EQ(merge.status, 0) << merge.err;
  EXPECT_THAT(merge.out, HasSubstr("0 runs before, 9 added, 9 now"));

  const std::string single = temp_.file("single/study.h5");
  const Invocation one = ufm_main({"run", config_, "output.path=" + single, "-q"});
  ASSERT_EQ(one.status, 0) << one.err;
  const ResultFile merged = read_result_file(output_), reference = read_result_file(single);
  ASSERT_EQ(merged.runs.size(), 9u);
  ASSERT_EQ(reference.runs.size(), 9u);
  EXPECT_EQ(merged.attributes.at("experiment_identity"), reference.attributes.at("experiment_identity"));
  for (std::size_t i = 0; i < 9; ++i) {
    SCOPED_TRACE(merged.runs[i].identity);
    EXPECT_EQ(merged.runs[i].identity, reference.runs[i].identity);
    for (const char* path : {schema::kScoreM, schema::kScoreM2, schema::kValLoss, schema::kTestAccuracy}) {
      EXPECT_EQ(merged.runs[i].array(path).as_doubles(), reference.runs[i].array(path).as_doubles()) << path;
    }
  }
  // A single-machine run over the merged cluster file finds nothing left to do.
  const Invocation again = ufm_main({"run", config_, "-q"});
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(read_result_file(output_).runs.size(), 9u);
}

TEST_F(ClusterCommands, PlanShowsStagesUnitsAndTotals) {
  const Invocation plan = ufm_main({"plan", config_});
  ASSERT_EQ(plan.status, 0) << plan.err;
  EXPECT_THAT(plan.out, HasSubstr("| identity | run | seed | stage | unit | varying | done |"));
  EXPECT_THAT(plan.out, HasSubstr("stage 1: 3 runs in 3 units, 0 done, 3 to run"));
  EXPECT_THAT(plan.out, HasSubstr("stage 2: 6 runs in 6 units, 0 done, 6 to run"));
  EXPECT_THAT(plan.out, HasSubstr("9 runs, 0 done, 9 to run"));
}

TEST_F(ClusterCommands, RunRefusesBadShardSyntax) {
  for (const std::string bad : {"3/3", "1-3", "x"}) {
    const Invocation run = ufm_main({"run", config_, "--shard", bad});
    EXPECT_EQ(run.status, 2);
    EXPECT_THAT(run.err, HasSubstr("--shard"));
    EXPECT_THAT(run.err, HasSubstr(bad));
  }
  EXPECT_FALSE(fs::exists(pieces_directory(output_)));
}

TEST_F(ClusterCommands, SlurmSubmitsStagesInOrderWithDependenciesAndAMergeJob) {
  fake_sbatch();
  const Invocation submit = ufm_main(slurm_args());
  ASSERT_EQ(submit.status, 0) << submit.err;
  EXPECT_THAT(submit.out, HasSubstr("stage 1: job 101 (3 runs in 3 array tasks)"));
  EXPECT_THAT(submit.out, HasSubstr("stage 2: job 102 (6 runs in 3 array tasks)"));
  EXPECT_THAT(submit.out, HasSubstr("merge: job 103"));
  const std::string log = read_text(bin_ + "/sbatch.log");
  const std::string directory = pieces_directory(output_) + "/slurm/1";
  EXPECT_THAT(log, HasSubstr("--parsable " + directory + "/stage1.sbatch\n"));
  EXPECT_THAT(log, HasSubstr("--parsable --dependency=afterok:101 --kill-on-invalid-dep=yes " + directory +
                             "/stage2.sbatch\n"));
  EXPECT_THAT(log, HasSubstr("--parsable --dependency=afterany:102 " + directory + "/merge.sbatch\n"));
  EXPECT_EQ(read_text(directory + "/jobs.txt"), "101 stage1\n102 stage2\n103 merge\n");
  const std::string stage2 = read_text(directory + "/stage2.sbatch");
  EXPECT_THAT(stage2, HasSubstr("#SBATCH --array=0-2%2\n"));
  EXPECT_THAT(stage2, HasSubstr("#SBATCH --cpus-per-task=1\n"));
  EXPECT_THAT(stage2, HasSubstr(directory + "/ufm run " + directory + "/config.yaml"));
  EXPECT_THAT(stage2, HasSubstr("--units " + directory + "/units-stage2.txt --shard \"${SLURM_ARRAY_TASK_ID}/3\""));
  EXPECT_EQ(read_text(directory + "/config.yaml"), read_text(config_)) << "the config is copied";
  EXPECT_EQ(fs::file_size(directory + "/ufm"), fs::file_size(UFM_BINARY)) << "the binary is copied";

  // While those jobs are queued, a second submission is refused.
  fake("squeue", "echo '101 101'\necho '103 103'\n");
  const Invocation again = ufm_main(slurm_args());
  EXPECT_EQ(again.status, 2);
  EXPECT_THAT(again.err, HasSubstr("still queued: 101 (1:stage1), 103 (1:merge)"));
  EXPECT_FALSE(fs::exists(pieces_directory(output_) + "/slurm/2"));
}

TEST_F(ClusterCommands, SlurmResubmitsOnlyTheMissingRuns) {
  ASSERT_EQ(ufm_main({"run", config_, "--shard", "0/1", "-q"}).status, 0);  // stage 1 done
  fake_sbatch();
  const Invocation submit = ufm_main(slurm_args());
  ASSERT_EQ(submit.status, 0) << submit.err;
  EXPECT_THAT(submit.out, HasSubstr("9 runs, 3 done, 6 to run"));
  EXPECT_THAT(submit.out, Not(HasSubstr("stage 1:")));
  EXPECT_THAT(submit.out, HasSubstr("stage 2: job 101"));
  EXPECT_THAT(read_text(bin_ + "/sbatch.log"), HasSubstr("--dependency=afterany:101 "));
}

TEST_F(ClusterCommands, SlurmRejectionNamesTheScriptAndCancelsWhatWasQueued) {
  fake_sbatch(/*fail_at=*/2);
  const Invocation submit = ufm_main(slurm_args({"--partition", "nope"}));
  EXPECT_EQ(submit.status, 2);
  EXPECT_THAT(submit.err, HasSubstr("sbatch rejected " + pieces_directory(output_) + "/slurm/1/stage2.sbatch"));
  EXPECT_THAT(submit.err, HasSubstr("Invalid partition name specified"));
  EXPECT_THAT(submit.err, HasSubstr("--partition=nope"));
  EXPECT_EQ(std::count(submit.err.begin(), submit.err.end(), '\n'), 1) << "one line";
  EXPECT_EQ(read_text(bin_ + "/scancel.log"), "101\n");
}

TEST_F(ClusterCommands, SlurmWithoutSbatchFailsBeforeWritingAnything) {
  setenv("PATH", bin_.c_str(), 1);  // nothing in it
  const Invocation submit = ufm_main(slurm_args());
  EXPECT_EQ(submit.status, 2);
  EXPECT_THAT(submit.err, HasSubstr("sbatch: not found on PATH"));
  EXPECT_FALSE(fs::exists(pieces_directory(output_)));
}

TEST_F(ClusterCommands, SlurmDryRunWritesReadableScriptsAndSubmitsNothing) {
  setenv("PATH", bin_.c_str(), 1);  // no sbatch needed
  const Invocation dry = ufm_main(slurm_args({"--dry-run", "--time", "1:00:00", "--mem", "4G", "--partition", "cpu"}));
  ASSERT_EQ(dry.status, 0) << dry.err;
  const std::string directory = pieces_directory(output_) + "/slurm/1";
  EXPECT_THAT(dry.out, HasSubstr("==> " + directory + "/stage1.sbatch <=="));
  EXPECT_THAT(dry.out, HasSubstr("#SBATCH --time=1:00:00\n#SBATCH --mem=4G\n"));
  EXPECT_THAT(dry.out, HasSubstr("#SBATCH --partition=cpu\n"));
  EXPECT_THAT(dry.out, HasSubstr("--dependency=afterok:${stage1} --kill-on-invalid-dep=yes"));
  EXPECT_THAT(dry.out, HasSubstr("dry run: nothing submitted; submit with: bash " + directory + "/submit.sh"));
  EXPECT_TRUE(fs::exists(directory + "/units-stage1.txt"));
  EXPECT_FALSE(fs::exists(directory + "/jobs.txt"));
}

TEST_F(ClusterCommands, SlurmRefusesAnUnfixedThreadCount) {
  setenv("PATH", bin_.c_str(), 1);
  const Invocation submit = ufm_main(slurm_args({"--dry-run", "execution.threads=0"}));
  EXPECT_EQ(submit.status, 2);
  EXPECT_THAT(submit.err, HasSubstr("execution.threads=0"));
}

// Property: train.precision=auto is refused for a cluster (each node would pick for itself),
// with exit 2 and no job directory written.
TEST_F(ClusterCommands, SlurmRefusesAutomaticPrecision) {
  setenv("PATH", bin_.c_str(), 1);
  const Invocation submit = ufm_main(slurm_args({"--dry-run", "train.precision=auto"}));
  EXPECT_EQ(submit.status, 2);
  EXPECT_THAT(submit.err, HasSubstr("train.precision=auto"));
  EXPECT_FALSE(fs::exists(pieces_directory(output_) + "/slurm"));
}

TEST_F(ClusterCommands, MergeRefusesPiecesOfAnotherExperimentAndKeepsTheTarget) {
  ASSERT_EQ(ufm_main({"run", config_, "train.seed=0", "-q"}).status, 0);
  const std::string before = read_text(output_);
  // Another learning rate, into the same pieces directory (no sweep key differs).
  ASSERT_EQ(ufm_main({"run", config_, "train.seed=0", "train.learning_rate=0.01", "--no-merge",
                      "output.path=" + temp_.file("other/study.h5"), "-q"})
                .status,
            0);
  for (const auto& entry : fs::directory_iterator(pieces_directory(temp_.file("other/study.h5")))) {
    if (entry.path().extension() == ".h5") {
      fs::copy_file(entry.path(), pieces_directory(output_) + "/" + entry.path().filename().string());
    }
  }
  const Invocation merge = ufm_main({"merge", pieces_directory(output_), "-o", output_});
  EXPECT_EQ(merge.status, 2);
  EXPECT_THAT(merge.err, HasSubstr("merge refused"));
  EXPECT_THAT(merge.err, HasSubstr("train.learning_rate"));
  EXPECT_EQ(read_text(output_), before);
}

TEST_F(ClusterCommands, MergeNamesAMissingDirectory) {
  const Invocation merge = ufm_main({"merge", temp_.file("nowhere"), "-o", output_});
  EXPECT_EQ(merge.status, 2);
  EXPECT_THAT(merge.err, HasSubstr(temp_.file("nowhere")));
}

// Two one-run audits and their null audits (canaries.mode: one_run), 40 canaries each, on
// synthetic data: four trainings of one stage.
std::string one_run_yaml(const std::string& output) {
  return "name: cluster_one_run\n"
         "data: {name: synthetic}\n"
         "ood: {dataset: synthetic}\n"
         "feature: {pattern: random}\n"
         "canaries: {mode: one_run, pairing: independent, controls: false, count: 40, guess_stamped: 4,"
         " guess_not_stamped: 4}\n"
         "model: {hidden: [32, 16]}\n"
         "train: {max_epochs: 1, batch_size: 64, shuffle: false}\n"
         "evaluation: {candidate_probe_limit: 50}\n"
         "execution: {threads: 1, progress: false}\n"
         "output: {path: " + output + "}\n"
         "sweep:\n  audit_level:\n    real: {}\n    nulls: {canaries.null_audit: true}\n  train.seed: [0, 1]\n";
}

// Property: one-run audits go through the cluster path like any study: Slurm submits their one
// stage, shards write pieces only, and the merged file holds the same coins, scores, guesses
// and one_run table as one machine's run of the same config.
TEST_F(ClusterCommands, OneRunAuditsShardSubmitAndMergeLikeOneMachine) {
  std::ofstream(config_) << one_run_yaml(output_);
  fake_sbatch();
  const Invocation submit = ufm_main(slurm_args());
  ASSERT_EQ(submit.status, 0) << submit.err;
  // No controls: the audits are the canary stage (2), and nothing waits for a stage 1.
  EXPECT_THAT(submit.out, HasSubstr("stage 2: job 101 (4 runs in 3 array tasks)"));
  EXPECT_THAT(submit.out, Not(HasSubstr("stage 1:")));
  for (int i = 0; i < 3; ++i) {  // what the array tasks run
    const Invocation shard = ufm_main({"run", config_, "--shard", std::to_string(i) + "/3", "-q"});
    ASSERT_EQ(shard.status, 0) << shard.err;
  }
  EXPECT_FALSE(fs::exists(output_)) << "a shard writes pieces only";
  const Invocation merge = ufm_main({"merge", pieces_directory(output_), "-o", output_});
  ASSERT_EQ(merge.status, 0) << merge.err;
  EXPECT_THAT(merge.out, HasSubstr("0 runs before, 4 added, 4 now"));

  const std::string single = temp_.file("single/one_run.h5");
  ASSERT_EQ(ufm_main({"run", config_, "output.path=" + single, "-q"}).status, 0);
  const ResultFile merged = read_result_file(output_), reference = read_result_file(single);
  ASSERT_EQ(merged.runs.size(), 4u);
  ASSERT_EQ(reference.runs.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    SCOPED_TRACE(merged.runs[i].identity);
    EXPECT_EQ(merged.runs[i].identity, reference.runs[i].identity);
    for (const char* path : {schema::kOneRunImage, schema::kOneRunStamped, schema::kOneRunScore}) {
      EXPECT_EQ(merged.runs[i].array(path).as_doubles(), reference.runs[i].array(path).as_doubles()) << path;
    }
    EXPECT_EQ(merged.runs[i].int_attribute(schema::kOneRunCorrect), reference.runs[i].int_attribute(schema::kOneRunCorrect));
  }
  const Invocation merged_table = ufm_main({"report", output_, "--table", "one_run"});
  const Invocation single_table = ufm_main({"report", single, "--table", "one_run"});
  ASSERT_EQ(merged_table.status, 0) << merged_table.err;
  EXPECT_THAT(merged_table.out, HasSubstr("guesses"));
  // The same table, but for its last two columns (scoring and training seconds).
  auto without_timings = [](const std::string& table) {
    std::string out;
    std::istringstream lines(table);
    for (std::string line; std::getline(lines, line);) {
      for (int cut = 0; cut < 3 && line.rfind('|') != std::string::npos; ++cut) line.erase(line.rfind('|'));
      out += line + "\n";
    }
    return out;
  };
  EXPECT_EQ(without_timings(merged_table.out), without_timings(single_table.out));
}

// Two independent pairs and one unlearning variant on synthetic data: the trained pairs and
// retrained references (stage 1), canaries (2), unlearned controls (3), unlearned canaries
// compared with their references (4).
std::string unlearning_yaml(const std::string& output) {
  return "name: cluster_unlearning\n"
         "data: {name: synthetic}\n"
         "ood: {dataset: synthetic, split: test, limit: 64}\n"
         "feature: {pattern: random}\n"
         "canaries: {count: 2, pairing: independent}\n"
         "model: {hidden: [32, 16]}\n"
         "train: {max_epochs: 1, batch_size: 64, learning_rate: 0.01, early_stopping: false}\n"
         "evaluation: {exposure: true, candidates: 19, candidate_probe_limit: 64}\n"
         "execution: {progress: false, threads: 1}\n"
         "output: {path: " + output + "}\n"
         "sweep:\n  unlearning:\n    neggrad_5: {unlearning.method: neggrad, unlearning.steps: 5,"
         " unlearning.learning_rate: 0.01}\n";
}

// Property: `ufm slurm` submits an unlearning study's four stages in order, each waiting for
// the one before, and the array tasks' shards, stage by stage, merge into all ten records.
TEST_F(ClusterCommands, SlurmSubmitsAnUnlearningStudyStageByStage) {
  std::ofstream(config_) << unlearning_yaml(output_);
  fake_sbatch();
  const Invocation submit = ufm_main(slurm_args());
  ASSERT_EQ(submit.status, 0) << submit.err;
  EXPECT_THAT(submit.out, HasSubstr("stage 1: job 101 (4 runs in 3 array tasks)"));
  EXPECT_THAT(submit.out, HasSubstr("stage 2: job 102 (2 runs in 2 array tasks)"));
  EXPECT_THAT(submit.out, HasSubstr("stage 3: job 103 (2 runs in 2 array tasks)"));
  EXPECT_THAT(submit.out, HasSubstr("stage 4: job 104 (2 runs in 2 array tasks)"));
  EXPECT_THAT(submit.out, HasSubstr("merge: job 105"));
  const std::string log = read_text(bin_ + "/sbatch.log");
  const std::string directory = pieces_directory(output_) + "/slurm/1";
  for (int stage = 2; stage <= 4; ++stage) {
    EXPECT_THAT(log, HasSubstr("--dependency=afterok:" + std::to_string(99 + stage) + " --kill-on-invalid-dep=yes " +
                               directory + "/stage" + std::to_string(stage) + ".sbatch\n"));
  }
  for (int stage = 0; stage < 4; ++stage) {
    for (int i = 0; i < 3; ++i) {
      const Invocation shard = ufm_main({"run", config_, "--shard", std::to_string(i) + "/3", "-q"});
      ASSERT_EQ(shard.status, 0) << shard.err;
    }
  }
  const Invocation merge = ufm_main({"merge", pieces_directory(output_), "-o", output_});
  ASSERT_EQ(merge.status, 0) << merge.err;
  EXPECT_THAT(merge.out, HasSubstr("0 runs before, 10 added, 10 now"));
  const Invocation report = ufm_main({"report", output_, "--table", "unlearning", "unlearning_audit"});
  ASSERT_EQ(report.status, 0) << report.err;
  EXPECT_THAT(report.out, HasSubstr("(c) same procedure"));
  EXPECT_THAT(report.out, HasSubstr("unlearning=neggrad_5 | 2 |"));
}

}  // namespace
}  // namespace ufm
