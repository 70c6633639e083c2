// Independent pairs, null pairs, patch draws and exposure through the whole run pipeline,
// on the synthetic dataset (no files needed) and on the paper configs scaled down.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "support/requirements.h"
#include "core/error.h"
#include "report/report.h"
#include "runs/experiment_runner.h"
#include "runs/run_executor.h"
#include "storage/result_file.h"
#include "storage/schema.h"
#include "run_fixtures.h"
#include "support/temp_dir.h"

namespace ufm {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using testing::plan_of;
using testing::run;

ExperimentConfig synthetic(const std::string& output) {
  ExperimentConfig config = testing::synthetic_config(output);
  config.canaries.count = 3;
  config.model.hidden = {32, 16};
  config.train.max_epochs = 2;
  config.train.batch_size = 64;
  config.train.shuffle = false;
  config.feature.pattern = "random";
  config.evaluation.exposure = true;
  config.evaluation.candidates = 49;
  config.evaluation.candidate_probe_limit = 100;
  return config;
}

std::vector<const RunRecord*> canaries_of(const ResultFile& file) {
  std::vector<const RunRecord*> out;
  for (const auto& r : file.runs) {
    if (r.int_attribute(schema::kIsControl) == 0) out.push_back(&r);
  }
  return out;
}

double scalar(const RunRecord& run, const std::string& path) { return run.array(path).as_doubles().at(0); }

TEST(IndependentPairs, EachCanaryGetsSeedPlusKAndItsOwnControl) {
  ExperimentConfig config = synthetic("unused.h5");
  config.train.seed = 10;
  config.canaries.pairing = Pairing::kIndependent;
  const ExperimentPlan plan = plan_of(config);
  ASSERT_EQ(plan.runs.size(), 6u);
  std::set<std::string> controls;
  for (std::size_t k = 0; k < 3; ++k) {
    const PlannedRun& control = plan.runs[k];
    const PlannedRun& canary = plan.runs[3 + k];
    ASSERT_TRUE(control.is_control());
    ASSERT_FALSE(canary.is_control());
    EXPECT_EQ(canary.config.train.seed, 10 + k);
    EXPECT_EQ(control.config.train.seed, canary.config.train.seed);
    EXPECT_EQ(canary.config.canaries.pair, static_cast<std::int64_t>(k));
    EXPECT_EQ(control.config.canaries.pair, static_cast<std::int64_t>(k));
    EXPECT_EQ(canary.control_identity, control.identity);
    EXPECT_EQ(control.serves, std::vector<std::string>{canary.identity});
    controls.insert(control.identity);
  }
  EXPECT_EQ(controls.size(), 3u);
}

TEST(SharedPairs, OneControlWithTheBaseSeedServesEveryCanary) {
  ExperimentConfig config = synthetic("unused.h5");
  config.train.seed = 10;
  const ExperimentPlan plan = plan_of(config);
  ASSERT_EQ(plan.runs.size(), 4u);
  EXPECT_TRUE(plan.runs[0].is_control());
  EXPECT_EQ(plan.runs[0].config.canaries.pair, -1);
  for (std::size_t i = 1; i < 4; ++i) {
    EXPECT_EQ(plan.runs[i].config.train.seed, 10u);
    EXPECT_EQ(plan.runs[i].config.canaries.pair, static_cast<std::int64_t>(i - 1));
    EXPECT_EQ(plan.runs[i].control_identity, plan.runs[0].identity);
  }
}

TEST(ExposureRun, CanariesStoreRanksAgainstCandidatesAndTheirControl) {
  testing::TempDir dir;
  ExperimentConfig config = synthetic(dir.file("exposure.h5"));
  config.canaries.pairing = Pairing::kIndependent;
  config.evaluation.save_candidate_scores = true;
  const ResultFile file = run(config);
  ASSERT_EQ(file.runs.size(), 6u);
  std::set<std::string> features;
  for (const RunRecord* canary : canaries_of(file)) {
    SCOPED_TRACE(canary->identity);
    features.insert(canary->string_attribute("feature_pattern"));
    for (const std::string prefix : {schema::kExposure, schema::kExposureUnknown, schema::kExposureVsControl,
                                     schema::kExposureVsControlUnknown}) {
      SCOPED_TRACE(prefix);
      const double rank = scalar(*canary, prefix + schema::kExposureRankSuffix);
      const double p = scalar(*canary, prefix + schema::kExposurePSuffix);
      EXPECT_GE(rank, 1);
      EXPECT_LE(rank, 50);
      EXPECT_DOUBLE_EQ(p, rank / 50.0);
      EXPECT_NEAR(scalar(*canary, prefix), std::log2(50.0) - std::log2(rank), 1e-12);
    }
    // The stored candidate scores reproduce the stored ranks (element 0 is the feature).
    const auto known = canary->array(schema::kCandidateScores).as_doubles();
    ASSERT_EQ(known.size(), 50u);
    std::int64_t at_least = 0;
    for (std::size_t i = 1; i < known.size(); ++i) at_least += known[i] >= known[0] ? 1 : 0;
    EXPECT_EQ(scalar(*canary, std::string(schema::kExposure) + schema::kExposureRankSuffix), 1 + at_least);
    const auto control = canary->array(schema::kCandidateScoresControl).as_doubles();
    std::int64_t d_at_least = 0;
    for (std::size_t i = 1; i < known.size(); ++i)
      d_at_least += known[i] - control[i] >= known[0] - control[0] ? 1 : 0;
    EXPECT_EQ(scalar(*canary, std::string(schema::kExposureVsControl) + schema::kExposureRankSuffix), 1 + d_at_least);
    EXPECT_TRUE(canary->has_array(schema::kScoreMControl));
  }
  // Random features: each pair tests its own pattern.
  EXPECT_EQ(features.size(), 3u);
  for (const auto& r : file.runs) {
    if (r.int_attribute(schema::kIsControl) == 1) {
      EXPECT_TRUE(r.has_array("weights/dense0.weight"));
    }
  }
}

TEST(ExposureRun, TheControlsMAtTheCanarysLabelMatchesTheControlRunForAFixedFeature) {
  testing::TempDir dir;
  ExperimentConfig config = synthetic(dir.file("shared.h5"));
  config.feature.pattern = "A";
  config.evaluation.patch_draws = 3;
  const ResultFile file = run(config);
  const RunRecord* control = nullptr;
  for (const auto& r : file.runs) {
    if (r.int_attribute(schema::kIsControl) == 1) control = &r;
  }
  ASSERT_NE(control, nullptr);
  const ArrayData& control_draws = control->array(schema::kScoreMDraws);
  EXPECT_EQ(control_draws.axes, "draw,label");
  EXPECT_EQ(control_draws.shape, (std::vector<std::int64_t>{3, 10}));
  for (const RunRecord* canary : canaries_of(file)) {
    const std::int64_t label = canary->int_attribute(schema::kCanaryLabel);
    // Rebuilding the control from its stored weights gives back its own scores.
    EXPECT_NEAR(scalar(*canary, schema::kScoreMControl), control->array(schema::kScoreM).as_doubles().at(label), 1e-6);
    const auto draws = canary->array(schema::kScoreMDraws).as_doubles();
    ASSERT_EQ(draws.size(), 3u);
    EXPECT_EQ(canary->array(schema::kScoreMDraws).axes, "draw");
    EXPECT_DOUBLE_EQ(draws[0], scalar(*canary, schema::kScoreM));  // scores/M is draw 0
    EXPECT_NE(draws[1], draws[0]);
    const auto control_m = canary->array(schema::kScoreMDrawsControl).as_doubles();
    for (std::size_t d = 0; d < 3; ++d) EXPECT_NEAR(control_m[d], control_draws.as_doubles()[d * 10 + label], 1e-6);
  }
  // The default report shows the verdicts table with its marks: one shared control, and a
  // fixed letter whose exposure p is descriptive.
  const std::string text = report(file, ReportOptions{});
  EXPECT_THAT(text, HasSubstr("not valid (one shared control: dependent canaries)"));
  EXPECT_THAT(text, HasSubstr("descriptive: fixed feature (feature.pattern=A)"));
  EXPECT_THAT(text, HasSubstr("exposure vs control"));
  // Asked for by name, pooled verdicts over one shared control are refused.
  ReportOptions options;
  options.tables = {"verdicts"};
  EXPECT_THROW(report(file, options), ConfigError);
}

TEST(ExposureRun, ACanaryWhoseControlIsMissingIsAConfigError) {
  ExperimentConfig config = synthetic("unused.h5");
  const ExperimentPlan plan = plan_of(config);
  const ExperimentData data = prepare_experiment_data(config);
  try {
    execute_run(plan.runs[1], data, RunEnvironment{}, nullptr, nullptr);
    FAIL() << "no ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr("canaries.controls: the control run " + plan.runs[0].identity));
  }
}

TEST(ExposureRun, AFeatureThatDoesNotFitAtItsOffsetIsAConfigError) {
  ExperimentConfig config = synthetic("unused.h5");
  config.feature.offset = 25;
  try {
    prepare_experiment_data(config);
    FAIL() << "no ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr("feature.offset"));
  }
}

// The paper configs, scaled down to a tiny Fashion-MNIST slice: the same code path as the
// full runs (docs/verdicts.md gives their commands).
std::vector<std::string> tiny(const std::string& output, std::int64_t pairs) {
  std::vector<std::string> overrides = {"data.train_limit=600", "data.test_limit=100",  "train.max_epochs=1",
                                        "canaries.count=" + std::to_string(pairs),  "evaluation.candidates=99",
                                        "evaluation.candidate_probe_limit=100",    "execution.progress=false",
                                        "output.path=" + output};
  const std::string mnist = testing::source_path("datasets/mnist-10k");
  if (std::filesystem::exists(mnist + "/t10k-labels-idx1-ubyte")) {
    overrides.push_back("ood.path=" + mnist);
    overrides.push_back("ood.limit=300");
  } else {
    overrides.push_back("ood.dataset=fashion_mnist");
    overrides.push_back("ood.path=/usr/share/datasets/fashion-mnist");
    overrides.push_back("ood.split=test");
    overrides.push_back("ood.limit=300");
  }
  return overrides;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class PaperConfig : public ::testing::Test {
 protected:
  void SetUp() override {
    UFM_REQUIRE(!testing::fashion_mnist_directory().empty(), "dataset-fashion-mnist is not installed");
  }
  testing::TempDir temp_;
};

TEST_F(PaperConfig, CalibrationScaledDownReportsFalsePositiveRatesAndAQqPlot) {
  const std::string path = testing::source_path("configs/paper/calibration.yaml");
  const std::string output = temp_.file("calibration.h5");
  run_experiment(experiment_points(read_text(path), path, tiny(output, 6)), read_text(path));
  const ResultFile file = read_result_file(output);
  ASSERT_EQ(file.runs.size(), 12u);
  for (const RunRecord* canary : canaries_of(file)) {
    // The model saw the decoy, never the tested feature.
    EXPECT_NE(canary->string_attribute(schema::kDecoyPattern), canary->string_attribute("feature_pattern"));
  }
  ReportOptions options;
  options.plots_directory = temp_.file("plots");
  const std::string text = report(file, options);
  EXPECT_THAT(text, HasSubstr("## calibration"));
  EXPECT_THAT(text, HasSubstr("| exposure vs control | 6 |"));
  EXPECT_THAT(text, HasSubstr("Fisher (exposure vs control, 6 pairs)"));
  EXPECT_THAT(text, HasSubstr("## verdicts"));
  EXPECT_THAT(text, Not(HasSubstr("dependent canaries")));
  EXPECT_TRUE(std::filesystem::exists(temp_.file("plots") + "/pvalue_qq.png"));
  EXPECT_TRUE(std::filesystem::exists(temp_.file("plots") + "/pvalue_qq.gp"));
}

TEST_F(PaperConfig, PowerScaledDownReportsPooledPValuesPerPairCount) {
  const std::string path = testing::source_path("configs/paper/power.yaml");
  const std::string output = temp_.file("power.h5");
  std::vector<std::string> overrides = tiny(output, 4);
  run_experiment(experiment_points(read_text(path), path, overrides), read_text(path));
  const ResultFile file = read_result_file(output);
  ASSERT_EQ(file.runs.size(), 8u);
  ReportOptions options;
  options.tables = {"power"};
  const std::string text = report(file, options);
  EXPECT_THAT(text, HasSubstr("| 4 | exposure vs control |"));
  EXPECT_THAT(text, HasSubstr("| 4 | M − control |"));
}

}  // namespace
}  // namespace ufm
