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
  config.train.precision = PrecisionChoice::kBf16;
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

// Property: train.precision=auto is resolved by experiment_points into what this machine
// supports, before identities are hashed: the stored config never says auto, the run is the
// same run as one that asked for the picked precision by name, and a study records the
// pick as an override (so a merge elsewhere rebuilds the same identities).
TEST(PrecisionRuns, AutoResolvesBeforeTheIdentityIntoWhatTheMachineSupports) {
  testing::TempDir temp;
  const PrecisionChoice picked = detect_cpu_features().bf16() ? PrecisionChoice::kBf16 : PrecisionChoice::kFp32;
  ExperimentConfig config = bf16_synthetic(temp.file("auto.h5"));
  config.train.precision = PrecisionChoice::kAuto;
  std::vector<SweepPoint> points = {SweepPoint{config, {}}};
  resolve_automatic_precision(points);
  EXPECT_TRUE(points[0].automatic_precision);
  EXPECT_EQ(points[0].config.train.precision, picked);
  EXPECT_EQ(automatic_precision_overrides(points), std::vector<std::string>{"train.precision=" + option_name(picked)});
  ExperimentConfig named = config;
  named.train.precision = picked;
  EXPECT_EQ(plan_from_points(points).runs.front().identity,
            plan_from_points({SweepPoint{named, {}}}).runs.front().identity);
  // A point that named its precision is left alone, and a mixed study records no override.
  std::vector<SweepPoint> mixed = {points[0], SweepPoint{named, {}}};
  EXPECT_TRUE(automatic_precision_overrides(mixed).empty());
  config.privacy.enabled = true;
  std::vector<SweepPoint> private_points = {SweepPoint{config, {}}};
  resolve_automatic_precision(private_points);
  EXPECT_EQ(private_points[0].config.train.precision, PrecisionChoice::kFp32) << "DP keeps fp32";

  const ResultFile result = testing::run(points[0].config);
  ASSERT_FALSE(result.runs.empty());
  EXPECT_NE(result.runs[0].string_attribute(schema::kRunConfig).find("precision: " + option_name(picked)), std::string::npos);
}

}  // namespace
}  // namespace ufm
