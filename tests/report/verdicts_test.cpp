// Pooled verdicts, calibration and power tables from result files built in memory.
#include "report/verdict_plots.h"
#include "report/verdicts.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include <cmath>
#include <filesystem>

#include "core/error.h"
#include "core/text.h"
#include "core/statistics.h"
#include "report/plots.h"
#include "report/report.h"
#include "report_records.h"
#include "storage/result_file.h"
#include "support/requirements.h"
#include "support/temp_dir.h"

namespace ufm {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string config_yaml(const std::string& pairing, bool decoy, int seed) {
  return "name: test\nfeature:\n  pattern: random\n  offset: 1\n  decoy: " + std::string(decoy ? "true" : "false") +
         "\ncanaries:\n  select: list\n  pairing: " + pairing + "\n  pair: " + std::to_string(seed) +
         "\ntrain:\n  seed: " + std::to_string(seed) + "\n";
}

// n pairs; canary k has exposure p-values p[k], M = m[k] and its control M 0 at every label.
ResultFile pairs(const std::vector<double>& p, const std::vector<double>& m, const std::string& pairing, bool decoy) {
  ResultFile file;
  for (std::size_t k = 0; k < p.size(); ++k) {
    const std::string control = "c" + std::to_string(100 + k);
    RunRecord c = testing::control_run(control, std::vector<double>(10, 0.0), "mlp", static_cast<int>(k), "");
    c.attributes[schema::kRunConfig] = config_yaml(pairing, decoy, static_cast<int>(k));
    file.runs.push_back(c);
    RunRecord canary = testing::canary_run(
        {"k" + std::to_string(100 + k), static_cast<std::int64_t>(k), 3, static_cast<int>(k), m[k], 0.5, 0.8, control},
        "mlp", "");
    canary.attributes[schema::kRunConfig] = config_yaml(pairing, decoy, static_cast<int>(k));
    canary.attributes[schema::kPairKey] = static_cast<std::int64_t>(k);
    for (const std::string prefix : {schema::kExposure, schema::kExposureVsControl}) {
      canary.arrays[prefix + schema::kExposurePSuffix] = ArrayData::scalar(p[k]);
      canary.arrays[prefix] = ArrayData::scalar(std::log2(1000.0) - std::log2(p[k] * 1000.0));
    }
    file.runs.push_back(canary);
  }
  return file;
}

// Evenly spread p-values (i + 0.5)/n: as uniform as n values can be.
std::vector<double> even(std::size_t n) {
  std::vector<double> p;
  for (std::size_t i = 0; i < n; ++i) p.push_back((static_cast<double>(i) + 0.5) / static_cast<double>(n));
  return p;
}

std::vector<double> alternating(std::size_t n) {
  std::vector<double> m;
  for (std::size_t i = 0; i < n; ++i) m.push_back(i % 2 ? 0.01 * static_cast<double>(i) : -0.01 * static_cast<double>(i + 1));
  return m;
}

const std::vector<std::string>* row_of(const Table& table, const std::string& first_cell_after_keys, std::size_t keys = 1) {
  for (const auto& row : table.rows) {
    if (row[keys] == first_cell_after_keys) return &row;
  }
  return nullptr;
}

TEST(VerdictTable, PoolsPerCanaryPValuesAsScipyDoes) {
  const std::vector<double> p = {0.01, 0.2, 0.04, 0.6, 0.03};
  const ResultFile file = pairs(p, {0.1, 0.2, -0.1, 0.3, 0.05}, "independent", false);
  const Table table = verdict_table(group_runs(file, {}), file);
  const auto* row = row_of(table, "exposure");
  ASSERT_NE(row, nullptr);
  EXPECT_EQ((*row)[2], "5");
  EXPECT_EQ((*row)[3], "0");  // no NaN p-value
  EXPECT_EQ((*row)[5], "3");  // 0.01, 0.04, 0.03 < 0.05
  EXPECT_EQ((*row)[7], format_number(binomial_test_greater(3, 5, 0.05).p_value, 3));
  EXPECT_EQ((*row)[8], format_number(fisher_combination(p).p_value, 3));
  EXPECT_EQ((*row)[9], format_number(stouffer_combination(p).p_value, 3));
  EXPECT_EQ((*row)[12], "");  // no null pairs: no measured false-positive rate
  EXPECT_EQ((*row)[13], "");
  const auto* m = row_of(table, "M − control");
  ASSERT_NE(m, nullptr);
  const std::vector<double> d = {0.1, 0.2, -0.1, 0.3, 0.05};
  EXPECT_EQ((*m)[10], format_number(sign_test_greater(d).p_value, 3));
  EXPECT_EQ((*m)[11], format_number(wilcoxon_signed_rank_greater(d).p_value, 3));
}

TEST(VerdictTable, MarksPooledPValuesOfSharedPairingAsNotValid) {
  const ResultFile file = pairs({0.01, 0.2, 0.04}, {0.1, 0.2, -0.1}, "shared", false);
  const Table table = verdict_table(group_runs(file, {}), file);
  for (const auto& row : table.rows) EXPECT_THAT(row.back(), HasSubstr("not valid (one shared control"));
}

TEST(Calibration, UniformNullPValuesAreCalibrated) {
  const ResultFile file = pairs(even(40), alternating(40), "independent", true);
  const std::vector<Calibration> results = calibrate(file);
  ASSERT_FALSE(results.empty());
  EXPECT_EQ(results.front().test, "exposure");
  EXPECT_EQ(results.front().pairs, 40);
  EXPECT_DOUBLE_EQ(results.front().rates[0], 2.0 / 40.0);  // 0.0125 and 0.0375 are below 0.05
  const auto interval = clopper_pearson_interval(2, 40, 0.95);
  EXPECT_DOUBLE_EQ(results.front().lower[0], interval.first);
  EXPECT_DOUBLE_EQ(results.front().upper[0], interval.second);
  EXPECT_GT(results.front().ks_p, 0.9);
  for (const auto& c : results) {
    EXPECT_NE(calibration_state(c.lower[0], c.upper[0], 0.05), CalibrationState::kNotCalibrated) << c.test;
    EXPECT_THAT(calibration_phrase(c), Not(HasSubstr("not calibrated"))) << c.test;
  }
}

TEST(Calibration, ATestThatRejectsTooOftenIsMarkedNotCalibrated) {
  std::vector<double> p(40, 0.5);
  for (std::size_t i = 0; i < 12; ++i) p[i] = 0.001;  // FPR 0.3 at α = 0.05
  const ResultFile file = pairs(p, alternating(40), "independent", true);
  const Table table = calibration_table(file);
  const auto* row = row_of(table, "exposure", 0);
  ASSERT_NE(row, nullptr);
  EXPECT_EQ((*row)[2], "0.3");
  EXPECT_THAT(row->back(), HasSubstr("not calibrated (FPR 0.3 ["));
  // The verdicts table carries the mark for that test.
  const Table verdicts = verdict_table(group_runs(file, {}), file);
  EXPECT_THAT((*row_of(verdicts, "exposure")).back(), HasSubstr("not calibrated (FPR 0.3 ["));
  // Pooled draws of uniform-looking but overly small p-values reject far too often too.
  bool fisher_marked = false;
  for (const auto& c : calibrate(file)) {
    if (c.test.rfind("Fisher (exposure,", 0) == 0) fisher_marked = calibration_state(c.lower[0], c.upper[0], 0.05) == CalibrationState::kNotCalibrated;
  }
  EXPECT_TRUE(fisher_marked);
}

// A study and its calibration run are separate experiments, so separate files: the
// verdicts of the study take the rates measured on the calibration file's null pairs.
TEST(VerdictTable, TakesMeasuredFalsePositiveRatesFromASeparateCalibrationFile) {
  const ResultFile study = pairs({0.01, 0.2, 0.04, 0.6}, {0.1, 0.2, -0.1, 0.3}, "independent", false);
  std::vector<double> p(40, 0.5);
  for (std::size_t i = 0; i < 12; ++i) p[i] = 0.001;  // FPR 0.3 at α = 0.05
  const ResultFile null_pairs = pairs(p, alternating(40), "independent", true);
  const Table table = verdict_table(group_runs(study, {}), study, &null_pairs);
  const auto* row = row_of(table, "exposure");
  ASSERT_NE(row, nullptr);
  EXPECT_EQ((*row)[2], "4");  // the study's canaries, not the null pairs
  EXPECT_EQ((*row)[12], "0.3 of 40");
  EXPECT_THAT(row->back(), HasSubstr("not calibrated (FPR 0.3 ["));
  // The same study without the calibration file carries neither.
  const Table alone = verdict_table(group_runs(study, {}), study);
  EXPECT_EQ((*row_of(alone, "exposure"))[12], "");
  EXPECT_EQ((*row_of(alone, "exposure")).back(), "");
}

TEST(ReportFile, ACalibrationFileWithoutNullPairsIsAOneLineError) {
  testing::TempDir temp;
  const std::string study_path = temp.file("study.h5");
  write_result_file(study_path, pairs(even(4), alternating(4), "independent", false));
  ReportOptions options;
  options.calibration_path = study_path;  // a study, not a calibration run
  try {
    report_result_file(study_path, options);
    FAIL() << "accepted a calibration file without null pairs";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr("--calibration"));
    EXPECT_THAT(error.what(), HasSubstr("study.h5"));
    EXPECT_THAT(error.what(), HasSubstr("no null pairs"));
  }
  const std::string calibration_path = temp.file("calibration.h5");
  write_result_file(calibration_path, pairs(even(40), alternating(40), "independent", true));
  options.calibration_path = calibration_path;
  const std::string text = report_result_file(study_path, options);
  EXPECT_THAT(text, HasSubstr("null-pair FPR at 0.05"));
  EXPECT_THAT(text, HasSubstr("0.05 of 40"));
  EXPECT_THAT(text, HasSubstr("## calibration"));
}

TEST(Calibration, NoNullPairsGiveNoRows) {
  const ResultFile file = pairs(even(5), alternating(5), "independent", false);
  EXPECT_TRUE(calibrate(file).empty());
  EXPECT_FALSE(has_null_pairs(file));
}

TEST(PowerTable, TakesTheFirstNPairsByPairKey) {
  std::vector<double> p(10, 0.5);
  p[0] = p[1] = 0.001;
  const ResultFile file = pairs(p, alternating(10), "independent", false);
  const Table table = power_table(group_runs(file, {}), {2, 8, 32});
  std::vector<std::string> sizes;
  for (const auto& row : table.rows) {
    if (row[2] == "exposure") sizes.push_back(row[1]);
  }
  EXPECT_EQ(sizes, (std::vector<std::string>{"2", "8", "10"}));
  for (const auto& row : table.rows) {
    if (row[2] == "exposure" && row[1] == "2") {
      EXPECT_EQ(row[3], "1");
      EXPECT_EQ(row[4], format_number(fisher_combination({0.001, 0.001}).p_value, 3));
    }
  }
}

TEST(ExposureTable, ListsEveryCanaryByPairKeyWithItsPValues) {
  const ResultFile file = pairs({0.3, 0.001, 0.7}, {0.1, -0.2, 0.0}, "independent", false);
  const Table table = exposure_table(group_runs(file, {}));
  ASSERT_EQ(table.rows.size(), 3u);
  EXPECT_EQ(table.rows[1][1], "k101");
  EXPECT_EQ(table.rows[1][2], "1");
  EXPECT_EQ(table.rows[1][5], "independent");
  EXPECT_EQ(table.rows[1][6], format_number(std::log2(1000.0), 3));  // exposure of rank 1 among 999
  EXPECT_EQ(table.rows[1][7], "0.001");
  EXPECT_EQ(table.rows[1][table.rows[1].size() - 2], "-0.2");
  EXPECT_EQ(table.rows[1].back(), "");  // a random feature among random candidates: a valid rank test
}

// Property: with saved candidate scores the table gains the per-feature effect of stamping
// (canary minus control s(π) for the feature, and its mean over the candidates), by hand;
// without them it has no such columns.
TEST(ExposureTable, ShowsTheStampingEffectWhereCandidateScoresWereSaved) {
  ResultFile file = pairs({0.3, 0.001}, {0.1, -0.2}, "independent", false);
  const Table plain = exposure_table(group_runs(file, {}));
  EXPECT_EQ(std::count(plain.header.begin(), plain.header.end(), "effect stamped"), 0);
  for (auto& run : file.runs) {
    if (run.int_attribute(schema::kIsControl) != 0) continue;
    run.arrays[schema::kCandidateScores] = ArrayData::vector({-0.5, -2.0, -1.0}, "candidate");
    run.arrays[schema::kCandidateScoresControl] = ArrayData::vector({-1.5, -2.5, -1.0}, "candidate");
  }
  const Table table = exposure_table(group_runs(file, {}));
  const auto column = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(table.header.begin(), table.header.end(), name) - table.header.begin());
  };
  ASSERT_LT(column("effect stamped"), table.header.size());
  EXPECT_EQ(table.rows[0][column("effect stamped")], "1");                          // −0.5 − (−1.5)
  EXPECT_EQ(table.rows[0][column("effect not stamped")], format_number(0.25, 3));   // (0.5 + 0)/2
}

TEST(Report, OldFilesKeepTheirTablesAndNewOnesGainVerdicts) {
  const ResultFile old_file = testing::model_sweep();
  EXPECT_FALSE(has_exposure(old_file));
  EXPECT_THAT(report(old_file, ReportOptions{}), Not(HasSubstr("## verdicts")));
  const ResultFile null_file = pairs(even(10), alternating(10), "independent", true);
  const std::string text = report(null_file, ReportOptions{});
  EXPECT_THAT(text, HasSubstr("## exposure"));
  EXPECT_THAT(text, HasSubstr("## verdicts"));
  EXPECT_THAT(text, HasSubstr("## calibration"));
  const ResultFile power_file = pairs(even(10), alternating(10), "independent", false);
  EXPECT_THAT(report(power_file, ReportOptions{}), HasSubstr("## power"));
}

TEST(VerdictPlots, DrawAQqPlotOfNullPValues) {
  UFM_REQUIRE(gnuplot_available(), "gnuplot is not on PATH (make deps installs gnuplot-nox)");
  testing::TempDir dir;
  const ResultFile file = pairs(even(10), alternating(10), "independent", true);
  const auto written = write_verdict_plots(file, group_runs(file, {}), dir.path());
  ASSERT_EQ(written.size(), 1u);
  EXPECT_TRUE(std::filesystem::exists(dir.file("pvalue_qq.png")));
  EXPECT_TRUE(std::filesystem::exists(dir.file("pvalue_qq.dat")));
}

}  // namespace
}  // namespace ufm
