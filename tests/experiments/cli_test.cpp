// The ufm program run in-process on a small real Fashion-MNIST slice, writing into a
// temporary directory and reading the result file back.
#include "support/requirements.h"
#include "cli.h"
#include "experiments/invocation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "runtime/device.h"
#include "privacy/dp_sgd_account.h"
#include "storage/result_file.h"
#include "storage/schema.h"
#include "support/temp_dir.h"

namespace ufm {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using testing::Invocation;
using testing::ufm_main;

// The core config, scaled down: 2 canaries + control, 2 epochs on 2,000 images.
std::vector<std::string> small_run(const std::string& output, const std::string& command = "run") {
  std::vector<std::string> args = {command,
                                   testing::source_path("configs/fashion_mnist_mlp.yaml"),
                                   "data.train_limit=2000",
                                   "data.test_limit=500",
                                   "canaries.count=2",
                                   "train.max_epochs=2",
                                   "evaluation.save_probes=true",
                                   "execution.progress=false",
                                   "output.path=" + output};
  const std::string mnist = testing::source_path("datasets/mnist-10k");
  if (std::filesystem::exists(mnist + "/t10k-labels-idx1-ubyte")) {
    args.push_back("ood.path=" + mnist);
    args.push_back("ood.limit=600");
  } else {
    // Without the MNIST subset the model's own test split serves as OOD set.
    args.push_back("ood.dataset=fashion_mnist");
    args.push_back("ood.split=test");
    args.push_back("ood.limit=600");
  }
  return args;
}

class UfmProgram : public ::testing::Test {
 protected:
  void SetUp() override {
    UFM_REQUIRE(!testing::fashion_mnist_directory().empty(), "dataset-fashion-mnist is not installed");
  }
  testing::TempDir temp_;
};

TEST_F(UfmProgram, RunWritesAValidResultFileAndPrintsTheTable) {
  const std::string output = temp_.file("core.h5");
  const Invocation run = ufm_main(small_run(output));
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("| summary: all runs (2 canaries)"));
  EXPECT_THAT(run.out, HasSubstr("mean M − control"));
  // The authors' protocol (one shared control): the summary prints no test across canaries,
  // and the authors' per-model tests carry their mark.
  EXPECT_THAT(run.out, HasSubstr("no calibrated verdict for this design (one shared control)"));
  EXPECT_THAT(run.out, Not(HasSubstr("t-test of M − control")));
  EXPECT_THAT(run.out, HasSubstr("t-test not calibrated"));
  // The 2023 probability score is stored and its per-model tests are marked too.
  EXPECT_THAT(run.out, HasSubstr("mean M_prob (2023 probability score)"));
  EXPECT_THAT(run.out, HasSubstr("the M_prob t-test not calibrated"));

  const ResultFile file = read_result_file(output);
  ASSERT_EQ(file.runs.size(), 3u);
  EXPECT_TRUE(file.attributes.count(schema::kExperimentConfig));
  int controls = 0;
  for (const auto& run_record : file.runs) {
    SCOPED_TRACE(run_record.identity);
    EXPECT_EQ(run_record.string_attribute(schema::kStatus), "complete");
    EXPECT_EQ(run_record.array(schema::kTrainLoss).shape, (std::vector<std::int64_t>{2}));
    EXPECT_EQ(run_record.array(schema::kTrainLoss).axes, "epoch");
    EXPECT_EQ(run_record.array(schema::kProbeClean).shape, (std::vector<std::int64_t>{600, 10}));
    EXPECT_GT(run_record.array(schema::kTestAccuracy).as_doubles()[0], 0.6);
    if (run_record.int_attribute(schema::kIsControl)) {
      ++controls;
      EXPECT_EQ(run_record.int_attribute(schema::kCanaryIndex), -1);
      EXPECT_EQ(run_record.array(schema::kScoreM).shape, (std::vector<std::int64_t>{10}));
      EXPECT_EQ(run_record.array(schema::kScoreM).axes, "label");
    } else {
      // numpy.random.RandomState(123).randint(0, 2000, 2) = [1534, 1389].
      const auto index = run_record.int_attribute(schema::kCanaryIndex);
      EXPECT_TRUE(index == 1534 || index == 1389) << index;
      EXPECT_TRUE(run_record.array(schema::kScoreM).shape.empty());
      EXPECT_FALSE(run_record.string_attribute(schema::kControlIdentity).empty());
    }
  }
  EXPECT_EQ(controls, 1);
}

TEST_F(UfmProgram, RerunSkipsCompleteRunsAndReportRebuildsTheSameTable) {
  const std::string output = temp_.file("resume.h5");
  const Invocation first = ufm_main(small_run(output));
  ASSERT_EQ(first.status, 0) << first.err;
  const auto before = std::filesystem::last_write_time(output);
  const Invocation second = ufm_main(small_run(output));
  ASSERT_EQ(second.status, 0) << second.err;
  EXPECT_EQ(second.out, first.out);
  const Invocation report = ufm_main({"report", output});
  ASSERT_EQ(report.status, 0) << report.err;
  EXPECT_EQ(report.out, first.out);
  EXPECT_EQ(read_result_file(output).runs.size(), 3u);
  (void)before;
}

TEST_F(UfmProgram, SameConfigGivesIdenticalScores) {
  const Invocation a = ufm_main(small_run(temp_.file("a.h5")));
  const Invocation b = ufm_main(small_run(temp_.file("b.h5")));
  ASSERT_EQ(a.status, 0) << a.err;
  ASSERT_EQ(b.status, 0) << b.err;
  const ResultFile fa = read_result_file(temp_.file("a.h5"));
  const ResultFile fb = read_result_file(temp_.file("b.h5"));
  ASSERT_EQ(fa.runs.size(), fb.runs.size());
  for (std::size_t i = 0; i < fa.runs.size(); ++i) {
    EXPECT_EQ(fa.runs[i].identity, fb.runs[i].identity);
    EXPECT_EQ(fa.runs[i].array(schema::kScoreM).as_doubles(), fb.runs[i].array(schema::kScoreM).as_doubles());
    EXPECT_EQ(fa.runs[i].array(schema::kProbeFeature).as_doubles(),
              fb.runs[i].array(schema::kProbeFeature).as_doubles());
  }
}

TEST_F(UfmProgram, BadOverrideFailsWithTheKeyAndNearestValidKey) {
  auto args = small_run(temp_.file("bad.h5"));
  args.push_back("train.max_epoch=3");
  const Invocation run = ufm_main(args);
  EXPECT_EQ(run.status, 2);
  EXPECT_THAT(run.err, HasSubstr("train.max_epoch"));
  EXPECT_THAT(run.err, HasSubstr("train.max_epochs"));
  EXPECT_FALSE(std::filesystem::exists(temp_.file("bad.h5")));
}

TEST_F(UfmProgram, AGpuAskedForWithoutOneFailsWithOneLineAndWritesNothing) {
  if (cuda_available()) GTEST_SKIP() << "this machine has a GPU";
  auto args = small_run(temp_.file("gpu.h5"));
  args.push_back("execution.device=cuda");
  args.push_back("execution.parallel_models=3");
  const Invocation run = ufm_main(args);
  EXPECT_EQ(run.status, 2);
  EXPECT_THAT(run.err, HasSubstr("execution.device"));
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  EXPECT_FALSE(std::filesystem::exists(temp_.file("gpu.h5")));
  EXPECT_FALSE(std::filesystem::exists(temp_.file("gpu.h5.d")));
}

TEST_F(UfmProgram, NeverOverwritesAFileThatIsNotItsResultFile) {
  const std::string output = temp_.file("precious.h5");
  { std::ofstream(output) << "not a result file"; }
  const Invocation run = ufm_main(small_run(output));
  EXPECT_EQ(run.status, 2);
  EXPECT_THAT(run.err, HasSubstr("precious.h5"));
  std::ifstream in(output);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "not a result file");
}

TEST_F(UfmProgram, PerEpochScoresAndBatchPositionAreStored) {
  const std::string output = temp_.file("epochs.h5");
  auto args = small_run(output);
  args.push_back("evaluation.per_epoch=true");
  args.push_back("canaries.batch_position=1");
  args.push_back("canaries.count=1");
  const Invocation run = ufm_main(args);
  ASSERT_EQ(run.status, 0) << run.err;
  const ResultFile file = read_result_file(output);
  ASSERT_EQ(file.runs.size(), 2u);
  for (const auto& record : file.runs) {
    const ArrayData& m = record.array("scores_per_epoch/M");
    if (record.int_attribute(schema::kIsControl)) {
      EXPECT_EQ(m.shape, (std::vector<std::int64_t>{2, 10}));
      EXPECT_EQ(m.axes, "epoch,label");
    } else {
      EXPECT_EQ(m.shape, (std::vector<std::int64_t>{2}));
      EXPECT_EQ(m.axes, "epoch");
      EXPECT_EQ(record.int_attribute("canary_training_position"), 128);
      // Final means best: the final M is the per-epoch M of the best epoch.
      const auto best = record.array(schema::kBestEpoch).as_doubles()[0];
      EXPECT_DOUBLE_EQ(record.array(schema::kScoreM).as_doubles()[0],
                       m.as_doubles()[static_cast<std::size_t>(best) - 1]);
    }
  }
}

TEST_F(UfmProgram, PlanListsRunsWithoutTraining) {
  const std::string output = temp_.file("plan.h5");
  const Invocation plan = ufm_main(small_run(output, "plan"));
  ASSERT_EQ(plan.status, 0) << plan.err;
  EXPECT_THAT(plan.out, HasSubstr("3 runs, 0 done, 3 to run"));
  EXPECT_FALSE(std::filesystem::exists(output));
}

// Property: `ufm compare` names the one changed setting, pairs every model of the two runs
// and prints both tables; a file with no counterpart models is refused with exit 2.
TEST_F(UfmProgram, CompareNamesTheChangedSettingAndPairsEveryModel) {
  std::vector<std::string> changed = small_run(temp_.file("b.h5"));
  changed.push_back("train.learning_rate=0.0005");
  ASSERT_EQ(ufm_main(small_run(temp_.file("a.h5"))).status, 0);
  ASSERT_EQ(ufm_main(changed).status, 0);
  const Invocation compare = ufm_main({"compare", temp_.file("a.h5"), temp_.file("b.h5")});
  ASSERT_EQ(compare.status, 0) << compare.err;
  EXPECT_NE(compare.out.find("changed settings:\n  train.learning_rate: 0.0003 → 0.0005\n"), std::string::npos)
      << compare.out;
  EXPECT_NE(compare.out.find("3 models matched, 0 without a counterpart"), std::string::npos) << compare.out;
  EXPECT_NE(compare.out.find("## paired_runs"), std::string::npos);
  EXPECT_NE(compare.out.find("| test accuracy | 3 |"), std::string::npos) << compare.out;
  EXPECT_NE(compare.out.find("## verdict_changes"), std::string::npos);

  std::vector<std::string> other_seed = small_run(temp_.file("c.h5"));
  other_seed.push_back("train.seed=7");
  ASSERT_EQ(ufm_main(other_seed).status, 0);
  const Invocation refused = ufm_main({"compare", temp_.file("a.h5"), temp_.file("c.h5")});
  EXPECT_EQ(refused.status, 2);
  EXPECT_NE(refused.err.find("no trained model matches"), std::string::npos) << refused.err;
}

TEST(UfmHelp, ListsCommandsAndRunOptions) {
  const Invocation help = ufm_main({"--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_THAT(help.out, HasSubstr("run CONFIG"));
  EXPECT_THAT(help.out, HasSubstr("report FILE.h5"));
  const Invocation run_help = ufm_main({"run", "--help"});
  EXPECT_EQ(run_help.status, 0);
  EXPECT_THAT(run_help.out, HasSubstr("train.max_epochs=2"));
  const Invocation unknown = ufm_main({"rnu"});
  EXPECT_EQ(unknown.status, 1);
  EXPECT_THAT(unknown.err, HasSubstr("did you mean 'run'"));
}

// Property: `ufm account` prints the same account a run stores for the schedule (ε, both
// PLD brackets, μ), solves σ for a μ target so that the achieved μ meets it, and refuses a
// bad argument with one line and exit 2.
TEST(UfmAccount, PrintsTheScheduleAccountAndSolvesATarget) {
  const Invocation account =
      ufm_main({"account", "--sampling-rate", "0.05", "--steps", "100", "--noise-multiplier", "1.5"});
  ASSERT_EQ(account.status, 0) << account.err;
  DpSgdSchedule schedule;
  schedule.sampling_rate = 0.05;
  schedule.noise_multiplier = 1.5;
  schedule.steps_planned = schedule.steps_taken = 100;
  const DpSgdAccount expected = account_dp_sgd(schedule);
  std::ostringstream epsilon, mu;
  epsilon << std::setprecision(6) << "epsilon (reported, the smaller accountant): " << expected.epsilon << "\n";
  mu << std::setprecision(6) << "mu-GDP (dominating the profile): " << expected.mu << "\n";
  EXPECT_THAT(account.out, HasSubstr(epsilon.str()));
  EXPECT_THAT(account.out, HasSubstr(mu.str()));
  EXPECT_THAT(account.out, HasSubstr("PLD replace (substitution) bracket: ["));

  const Invocation solved = ufm_main({"account", "--sampling-rate", "0.05", "--steps", "100", "--target-mu", "1"});
  ASSERT_EQ(solved.status, 0) << solved.err;
  EXPECT_THAT(solved.out, HasSubstr("solved noise multiplier: "));
  const auto at = solved.out.find("mu-GDP (dominating the profile): ");
  ASSERT_NE(at, std::string::npos);
  EXPECT_LE(std::stod(solved.out.substr(at + 33)), 1.0);

  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{"account", "--sampling-rate", "1.5", "--steps", "10", "--noise-multiplier", "1"},
        std::vector<std::string>{"account", "--sampling-rate", "0.1", "--steps", "10"},
        std::vector<std::string>{"account", "--sampling-rate", "0.1", "--steps", "10", "--noise-multiplier", "1",
                                 "--delta", "1"}}) {
    const Invocation refused = ufm_main(bad);
    EXPECT_EQ(refused.status, 2) << bad[2];
    EXPECT_EQ(std::count(refused.err.begin(), refused.err.end(), '\n'), 1) << refused.err;
  }
}

}  // namespace
}  // namespace ufm
