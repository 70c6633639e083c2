// `ufm run` with execution.parallel_models > 1 (issue 5): the runner trains units of
// compatible runs as one batched computation and must write the same runs, with the same
// layout and the same numbers, as the same experiment trained one model at a time.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <string>

#include "core/error.h"
#include "runs/experiment_runner.h"
#include "runs/run_executor.h"
#include "storage/result_file.h"
#include "storage/schema.h"
#include "support/temp_dir.h"

namespace ufm {
namespace {

ResultFile run_with(const std::string& yaml, const std::string& output, int parallel_models) {
  const auto points = experiment_points(
      yaml, "batched.yaml", {"output.path=" + output, "execution.parallel_models=" + std::to_string(parallel_models)});
  run_experiment(points, yaml);
  return read_result_file(output);
}

std::map<std::string, const RunRecord*> by_identity(const ResultFile& file) {
  std::map<std::string, const RunRecord*> out;
  for (const auto& run : file.runs) out[run.identity] = &run;
  return out;
}

// Every stored array of every run equal within `tolerance` (relative to max(1, |x|)), the
// same stopping and best epochs, and the same set of runs and datasets.
void expect_same_results(const ResultFile& single, const ResultFile& batched, double tolerance) {
  ASSERT_EQ(single.runs.size(), batched.runs.size());
  const auto others = by_identity(batched);
  for (const RunRecord& a : single.runs) {
    SCOPED_TRACE(a.identity);
    ASSERT_TRUE(others.count(a.identity));
    const RunRecord& b = *others.at(a.identity);
    EXPECT_EQ(a.int_attribute("parallel_models"), 1);
    EXPECT_EQ(b.string_attribute("device"), "cpu");
    ASSERT_EQ(a.arrays.size(), b.arrays.size());
    EXPECT_EQ(a.array(schema::kEpochsRun).as_doubles(), b.array(schema::kEpochsRun).as_doubles());
    EXPECT_EQ(a.array(schema::kBestEpoch).as_doubles(), b.array(schema::kBestEpoch).as_doubles());
    for (const auto& [path, array] : a.arrays) {
      ASSERT_TRUE(b.has_array(path)) << path;
      EXPECT_EQ(b.array(path).shape, array.shape) << path;
      if (path == schema::kEpochSeconds) continue;  // wall-clock time
      const auto x = array.as_doubles();
      const auto y = b.array(path).as_doubles();
      for (std::size_t j = 0; j < x.size(); ++j) {
        if (std::isnan(x[j])) {
          EXPECT_TRUE(std::isnan(y[j])) << path << "[" << j << "]";
          continue;
        }
        EXPECT_NEAR(x[j], y[j], tolerance * std::max(1.0, std::abs(x[j]))) << path << "[" << j << "]";
      }
    }
  }
}

// The authors' protocol: one shared control, every canary with the same seed; per-epoch
// scores and weights stored, so every epoch's model is compared, not only the last.
const char* kSharedControl = R"(
data: {name: synthetic}
ood: {dataset: synthetic, split: test, limit: 64}
canaries: {count: 4}
model: {hidden: [32, 16]}
train: {max_epochs: 3, batch_size: 64, learning_rate: 0.01}
evaluation: {per_epoch: true}
output: {save_weights: true}
execution: {progress: false, threads: 1}
)";

TEST(BatchedRuns, WriteTheSameRunsAndNumbersAsOneModelAtATime) {
  testing::TempDir dir;
  const ResultFile single = run_with(kSharedControl, dir.file("single.h5"), 1);
  const ResultFile batched = run_with(kSharedControl, dir.file("batched.h5"), 3);
  ASSERT_EQ(single.runs.size(), 5u);  // a control, then canaries in a unit of 3 and one of 1
  // On the CPU each batched model runs the single model's own calls on its slice of the
  // stacked tensors (docs/batched.md), so only the summation order of per-epoch
  // validation losses differs.
  expect_same_results(single, batched, 1e-6);
  std::multiset<std::int64_t> sizes;
  for (const auto& run : batched.runs) sizes.insert(run.int_attribute("parallel_models"));
  EXPECT_EQ(sizes, (std::multiset<std::int64_t>{1, 1, 3, 3, 3}));
}

// Independent pairs with exposure against the control: every canary has its own seed,
// feature and control, scores its control's stored model, and some models stop early
// while the others in their batch go on.
const char* kIndependentPairs = R"(
data: {name: synthetic}
ood: {dataset: synthetic, split: test, limit: 64}
feature: {pattern: random}
canaries: {count: 4, pairing: independent}
model: {hidden: [32, 16]}
train: {max_epochs: 8, batch_size: 64, learning_rate: 0.05, patience: 1}
evaluation: {exposure: true, candidates: 19, candidate_probe_limit: 64}
execution: {progress: false, threads: 1}
)";

TEST(BatchedRuns, IndependentPairsWithExposureAndEarlyStoppingMatchSingleRuns) {
  testing::TempDir dir;
  const ResultFile single = run_with(kIndependentPairs, dir.file("single.h5"), 1);
  const ResultFile batched = run_with(kIndependentPairs, dir.file("batched.h5"), 4);
  ASSERT_EQ(single.runs.size(), 8u);  // four pairs
  expect_same_results(single, batched, 1e-6);
  // The property needs models that stop at different epochs within one batch.
  std::set<double> stops;
  for (const auto& run : single.runs) stops.insert(run.array(schema::kEpochsRun).as_doubles().front());
  EXPECT_GT(stops.size(), 1u) << "every model stopped at the same epoch: the test lost its early-stopping case";
  for (const auto& run : batched.runs) EXPECT_EQ(run.int_attribute("parallel_models"), 4);
}

// Runs of different sweep points (here: learning rates) train on different settings and
// are never put in one batch, however large parallel_models is.
TEST(BatchedRuns, NeverBatchRunsOfDifferentSettings) {
  testing::TempDir dir;
  const std::string yaml = std::string(kSharedControl) + "sweep: {train.learning_rate: [0.01, 0.02]}\n";
  const ResultFile batched = run_with(yaml, dir.file("sweep.h5"), 16);
  ASSERT_EQ(batched.runs.size(), 10u);
  std::multiset<std::int64_t> sizes;
  for (const auto& run : batched.runs) sizes.insert(run.int_attribute("parallel_models"));
  // Two controls (different points: one each), two units of four canaries.
  EXPECT_EQ(sizes, (std::multiset<std::int64_t>{1, 1, 4, 4, 4, 4, 4, 4, 4, 4}));
}

TEST(BatchedRuns, RunsThatDifferInMoreThanSeedAndCanaryAreRefusedAsOneBatch) {
  ExperimentConfig a;
  a.data.name = "synthetic";
  ExperimentConfig b = a;
  b.train.seed = 7;
  b.canaries.count = 3;
  EXPECT_EQ(batch_compatibility_key(a), batch_compatibility_key(b));
  b.train.learning_rate = 0.5;
  EXPECT_NE(batch_compatibility_key(a), batch_compatibility_key(b));
}

}  // namespace
}  // namespace ufm
