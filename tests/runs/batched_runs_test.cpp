// The runner with execution.parallel_models > 1 against the same experiment run one
// model at a time: the same runs, the same layout, the same results within float tolerance.
#include <gtest/gtest.h>

#include "core/logging.h"
#include "runs/experiment_runner.h"
#include "storage/result_file.h"
#include "storage/schema.h"
#include "support/temp_dir.h"

namespace ufm {
namespace {

ResultFile run_with(const std::string& output, int parallel_models, const std::string& extra = "") {
  const std::string yaml = R"(
data: {name: synthetic}
ood: {dataset: synthetic, split: test, limit: 64}
canaries: {count: 3}
model: {hidden: [32, 16]}
train: {max_epochs: 4, batch_size: 64, patience: 1, learning_rate: 0.01}
evaluation: {per_epoch: true}
output: {save_weights: true}
execution: {progress: false, threads: 2}
)" + extra;
  const auto points = experiment_points(
      yaml, "batched.yaml",
      {"output.path=" + output, "execution.parallel_models=" + std::to_string(parallel_models)});
  run_experiment(points, yaml);
  return read_result_file(output);
}

TEST(BatchedRuns, WriteTheSameRunsAndResultsAsSingleModelRuns) {
  testing::TempDir dir;
  const ResultFile single = run_with(dir.file("single.h5"), 1);
  const ResultFile batched = run_with(dir.file("batched.h5"), 3);
  ASSERT_EQ(single.runs.size(), 4u);  // a control and three canaries, in one unit of 3 and one of 1
  ASSERT_EQ(batched.runs.size(), single.runs.size());
  for (std::size_t i = 0; i < single.runs.size(); ++i) {
    const RunRecord& a = single.runs[i];
    const RunRecord& b = batched.runs[i];
    SCOPED_TRACE(a.identity);
    ASSERT_EQ(a.identity, b.identity);
    // The same datasets, with the same shapes.
    ASSERT_EQ(a.arrays.size(), b.arrays.size());
    for (const auto& [path, array] : a.arrays) {
      ASSERT_TRUE(b.has_array(path)) << path;
      EXPECT_EQ(b.array(path).shape, array.shape) << path;
    }
    EXPECT_EQ(a.int_attribute(schema::kCanaryIndex), b.int_attribute(schema::kCanaryIndex));
    EXPECT_EQ(a.int_attribute("parallel_models"), 1);
    EXPECT_GE(b.int_attribute("parallel_models"), 1);
    EXPECT_EQ(b.string_attribute("device"), "cpu");
    // Same training: same epochs, and the same weights and scores. On the CPU a model's
    // training is bit-identical batched or alone; the per-epoch validation losses are
    // summed over other chunks of the test set, hence a float tolerance.
    EXPECT_EQ(a.array(schema::kEpochsRun).as_doubles(), b.array(schema::kEpochsRun).as_doubles());
    EXPECT_EQ(a.array(schema::kBestEpoch).as_doubles(), b.array(schema::kBestEpoch).as_doubles());
    for (const auto& [path, array] : a.arrays) {
      const auto x = array.as_doubles();
      const auto y = b.array(path).as_doubles();
      if (path == schema::kEpochSeconds) continue;
      for (std::size_t j = 0; j < x.size(); ++j) {
        if (std::isnan(x[j])) {
          EXPECT_TRUE(std::isnan(y[j])) << path;
          continue;
        }
        EXPECT_NEAR(x[j], y[j], 1e-6 * std::max(1.0, std::abs(x[j]))) << path << "[" << j << "]";
      }
    }
  }
}

}  // namespace
}  // namespace ufm
