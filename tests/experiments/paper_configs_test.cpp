// Every config in configs/paper/ runs, scaled down through overrides: tiny slices of the
// real data (CIFAR-10 files generated, since the data set is not shipped), one canary,
// one epoch. The full configs are for users; this checks they stay valid and runnable.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <sstream>

#include "support/requirements.h"
#include "cli.h"
#include "data/data_test_files.h"
#include "storage/result_file.h"
#include "support/temp_dir.h"

namespace ufm {
namespace {

namespace fs = std::filesystem;

// Overrides that make each config small; a swept key given here replaces its axis.
const std::map<std::string, std::vector<std::string>>& scale_downs() {
  static const std::map<std::string, std::vector<std::string>> value = {
      {"memorisation_grid.yaml", {}},
      {"defences.yaml", {"train.max_epochs=1"}},
      {"seeds.yaml", {"sweep.train.seed=[0, 1]"}},
      {"batch_position.yaml", {"canaries.batch_position=1", "train.batch_size=64", "canaries.indices=[5]"}},
      {"per_epoch.yaml", {"train.max_epochs=2"}},
      {"influence.yaml", {"influence.k=1"}},
      {"calibration.yaml", {"canaries.count=2", "evaluation.candidates=19", "evaluation.candidate_probe_limit=50"}},
      {"power.yaml", {"canaries.count=2", "evaluation.candidates=19", "evaluation.candidate_probe_limit=50"}},
      // One privacy level (its noise calibrated to the μ target), two pairs, one epoch.
      // One audit level (m = 100 of the 200 training images), one seed, one epoch.
      {"one_run.yaml", {"audit_level=m_100", "sweep.train.seed=[0]", "canaries.count=100"}},
      // The large-m audit at m = 100 of the 200 training images, one seed.
      {"one_run_large_m.yaml", {"audit_level=m_10000", "sweep.train.seed=[0]", "canaries.count=100",
                                "canaries.guess_stamped=10", "canaries.guess_not_stamped=10"}},
      // One privacy level and seed of the audit under DP-SGD, m = 100.
      {"one_run_dp.yaml", {"privacy_level=mu_1", "sweep.train.seed=[0]", "canaries.count=100",
                           "canaries.guess_stamped=10", "canaries.guess_not_stamped=10"}},
      // One of the eight variants each, 19 candidates.
      {"unlearning.yaml", {"unlearning=finetune_lr1e-3", "evaluation.candidates=19",
                           "evaluation.candidate_probe_limit=50"}},
      {"unlearning_calibration.yaml", {"unlearning=localized_10pct", "evaluation.candidates=19",
                                       "evaluation.candidate_probe_limit=50"}},
      {"unlearning_10k.yaml", {"unlearning=neggrad_20", "evaluation.candidates=19",
                               "evaluation.candidate_probe_limit=50"}},
      {"unlearning_10k_calibration.yaml", {"unlearning=neggrad_plus_lr1e-3", "evaluation.candidates=19",
                                           "evaluation.candidate_probe_limit=50"}},
      {"dp.yaml", {"privacy_level=mu_1", "canaries.count=2", "evaluation.candidates=19",
                   "evaluation.candidate_probe_limit=50", "train.max_epochs=1"}},
  };
  return value;
}

class PaperConfigs : public ::testing::Test {
 protected:
  void SetUp() override {
    UFM_REQUIRE(!testing::fashion_mnist_directory().empty(), "dataset-fashion-mnist is not installed");
    mnist_ = testing::source_path("datasets/mnist-10k");
    UFM_REQUIRE(fs::exists(mnist_ + "/t10k-labels-idx1-ubyte"), "run `make mnist` first");
    cifar_ = temp_.file("cifar");
    fs::create_directories(cifar_);
    testing::write_cifar_dataset(cifar_, 60, 40);
  }
  testing::TempDir temp_;
  std::string mnist_, cifar_;
};

TEST_F(PaperConfigs, EveryConfigRunsScaledDown) {
  std::size_t configs = 0;
  for (const auto& entry : fs::directory_iterator(testing::source_path("configs/paper"))) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".yaml") continue;
    SCOPED_TRACE(name);
    ++configs;
    const auto found = scale_downs().find(name);
    if (found == scale_downs().end()) {
      ADD_FAILURE() << "no scale-down for " << name << ": add one so CI runs it";
      continue;
    }
    const std::string output = temp_.file(entry.path().stem().string() + ".h5");
    std::vector<std::string> args = {"run",
                                     entry.path().string(),
                                     "data.train_limit=200",
                                     "data.test_limit=100",
                                     "ood.limit=100",
                                     "canaries.count=1",
                                     "train.max_epochs=1",
                                     "execution.progress=false",
                                     "output.path=" + output};
    args.insert(args.end(), found->second.begin(), found->second.end());
    if (name == "memorisation_grid.yaml") {
      // The dataset axis names paths relative to the repository; point them at test data.
      for (const char* dataset : {"fashion_mnist", "mnist", "cifar10"}) {
        SCOPED_TRACE(dataset);
        auto cell = args;
        cell.back() = "output.path=" + temp_.file(std::string("grid_") + dataset + ".h5");
        cell.push_back(std::string("dataset=") + dataset);
        if (std::string(dataset) == "cifar10") {
          cell.push_back("data.path=" + cifar_);
          cell.push_back("ood.path=" + mnist_);
          cell.push_back("data.test_limit=40");
        } else if (std::string(dataset) == "fashion_mnist") {
          cell.push_back("ood.path=" + mnist_);
        } else {
          cell.push_back("data.path=" + mnist_);
        }
        std::ostringstream out, err;
        ASSERT_EQ(cli::run_command_line(cell, out, err), 0) << err.str();
        // 3 models × (1 canary + 1 control).
        EXPECT_EQ(read_result_file(temp_.file(std::string("grid_") + dataset + ".h5")).runs.size(), 6u);
      }
      continue;
    }
    args.push_back("ood.path=" + mnist_);
    std::ostringstream out, err;
    ASSERT_EQ(cli::run_command_line(args, out, err), 0) << err.str();
    // A canary and its control at least; a one-run audit is one training.
    EXPECT_GE(read_result_file(output).runs.size(), name.rfind("one_run", 0) == 0 ? 1u : 2u);
    EXPECT_THAT(out.str(), ::testing::HasSubstr("|"));
  }
  EXPECT_GE(configs, 5u);
}

}  // namespace
}  // namespace ufm
