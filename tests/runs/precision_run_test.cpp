// train.precision through the whole run pipeline: a bf16 run records its precision in the
// stored config and the CPU's instruction sets beside it, and repeats bit for bit.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/cpu_features.h"
#include "core/error.h"
#include "runs/experiment_runner.h"
#include "storage/result_file.h"
#include "storage/schema.h"
#include "run_fixtures.h"
#include "support/temp_dir.h"

namespace ufm {
namespace {

ExperimentConfig bf16_synthetic(const std::string& output) {
  ExperimentConfig config = testing::synthetic_config(output);
  config.canaries.count = 1;
  config.model.hidden = {32};
  config.train.max_epochs = 2;
  config.train.batch_size = 50;
  config.train.early_stopping = false;
  config.train.precision = "bf16";
  return config;
}

// Property: where the CPU has bf16 arithmetic, a bf16 run stores train.precision in its
// config and the instruction sets as an attribute, and a second run gives the same scores;
// where it has none, the run is refused before anything is written.
TEST(PrecisionRuns, Bf16RunsRecordTheirArithmeticAndRepeat) {
  testing::TempDir temp;
  const ExperimentConfig config = bf16_synthetic(temp.file("bf16.h5"));
  if (!detect_cpu_features().bf16()) {
    EXPECT_THROW(run_experiment({SweepPoint{config, {}}}, "test"), ConfigError);
    EXPECT_FALSE(std::filesystem::exists(config.output.path));
    return;
  }
  const ResultFile first = testing::run(config);
  ExperimentConfig again = config;
  again.output.path = temp.file("again.h5");
  const ResultFile second = testing::run(again);
  ASSERT_EQ(first.runs.size(), second.runs.size());
  ASSERT_FALSE(first.runs.empty());
  for (std::size_t i = 0; i < first.runs.size(); ++i) {
    const RunRecord& run = first.runs[i];
    EXPECT_NE(run.string_attribute(schema::kRunConfig).find("precision: bf16"), std::string::npos);
    EXPECT_EQ(run.string_attribute(schema::kCpuInstructionSetsAttribute), describe(detect_cpu_features()));
    for (const char* score : {schema::kTestAccuracy, schema::kScoreM}) {
      if (!run.has_array(score)) continue;
      EXPECT_EQ(run.array(score).as_doubles(), second.runs[i].array(score).as_doubles()) << score;
    }
    EXPECT_TRUE(run.has_array(schema::kTestAccuracy));
  }
}

}  // namespace
}  // namespace ufm
