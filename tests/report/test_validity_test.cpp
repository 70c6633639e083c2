// Every printed p-value is valid for the design that produced it, or carries a mark saying
// why not (issue "Honest by default"): calibration phrases, the authors' tests' marks,
// no tests across canaries of one shared control, per-setting summaries, NaN counts,
// descriptive exposure, patch draws, unpaired comparisons and Stouffer's treatment of p = 1.
#include "report/test_validity.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "core/text.h"
#include "core/statistics.h"
#include "report/report.h"
#include "report/report_tables.h"
#include "report/summary_table.h"
#include "report/verdicts.h"
#include "report_records.h"
#include "storage/schema.h"

namespace ufm {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Calibration measured(std::int64_t hits, std::int64_t n) {
  Calibration c;
  c.test = "t";
  c.pairs = n;
  c.alphas = {0.05};
  c.rates = {static_cast<double>(hits) / static_cast<double>(n)};
  const auto interval = clopper_pearson_interval(hits, n, 0.95);
  c.lower = {interval.first};
  c.upper = {interval.second};
  return c;
}

TEST(CalibrationPhrase, NamesTheThreeStatesAndNeverSaysCalibratedAlone) {
  // 15 of 40: the interval lies above 0.05.
  EXPECT_THAT(calibration_phrase(measured(15, 40)), HasSubstr("not calibrated (FPR 0.375 ["));
  // 0 of 200: the upper bound is below 0.05.
  EXPECT_THAT(calibration_phrase(measured(0, 200)), HasSubstr("conservative (FPR 0 [0, "));
  // 2 of 40: neither.
  const Calibration c = measured(2, 40);
  EXPECT_EQ(calibration_phrase(c), "no excess false positives detected (40 null pairs; up to " +
                                       format_number(c.upper[0], 3) + " not excluded)");
  for (const Calibration& any : {measured(15, 40), measured(0, 200), measured(2, 40)}) {
    EXPECT_NE(calibration_phrase(any).rfind("calibrated", 0), 0u);
  }
}

TEST(StoufferReadyP, KeepsARankPValueInItsCellAndNeverReturnsOne) {
  RunRecord run;
  run.identity = "abc";
  run.arrays[schema::kExposureCandidates] = ArrayData::scalar(99);
  for (double rank : {1.0, 50.0, 100.0}) {
    const double p = rank / 100.0;
    const double randomised = stouffer_ready_p(run, "scores/exposure_p", p);
    EXPECT_LT(randomised, p);
    EXPECT_GT(randomised, (rank - 1.0) / 100.0);
  }
  // Without a candidate count (a continuous p-value) nothing changes.
  RunRecord plain;
  plain.identity = "abc";
  EXPECT_EQ(stouffer_ready_p(plain, "scores/exposure_p", 1.0), 1.0);
}

TEST(StoufferReadyP, OnePOfOneNoLongerForcesThePooledPToOne) {
  const std::vector<double> p = {1.0, 0.001, 0.002, 0.001, 0.003};
  EXPECT_DOUBLE_EQ(stouffer_combination(p).p_value, 1.0);  // the flaw being fixed
  std::vector<double> randomised;
  for (std::size_t i = 0; i < p.size(); ++i) {
    RunRecord run;
    run.identity = "run" + std::to_string(i);
    run.arrays[schema::kExposureCandidates] = ArrayData::scalar(999);
    randomised.push_back(stouffer_ready_p(run, "scores/exposure_p", p[i]));
  }
  EXPECT_LT(stouffer_combination(randomised).p_value, 0.05);
}

TEST(ExposureDescriptive, FixedFeaturesAndNonRandomCandidateSpacesAreDescriptive) {
  RunRecord run;
  run.attributes[schema::kRunConfig] = std::string("feature:\n  pattern: A\n");
  EXPECT_THAT(exposure_descriptive_reason(run), HasSubstr("fixed feature"));
  run.attributes[schema::kRunConfig] = std::string("feature:\n  pattern: random\nevaluation:\n  candidate_space: letters\n");
  EXPECT_THAT(exposure_descriptive_reason(run), HasSubstr("candidate space letters"));
  run.attributes[schema::kRunConfig] = std::string("feature:\n  pattern: random\nevaluation:\n  candidate_space: random\n");
  EXPECT_EQ(exposure_descriptive_reason(run), "");
}

// Canaries under `pairing` with M − control = m[k] (control M 0 at every label).
ResultFile paired_file(const std::vector<double>& m, const std::string& pairing, const std::string& varying = "") {
  ResultFile file;
  const std::string config = "name: t\nfeature:\n  pattern: A\ncanaries:\n  pairing: " + pairing + "\n";
  const bool shared = pairing == "shared";
  for (std::size_t k = 0; k < m.size(); ++k) {
    const std::string control = shared ? "c-" + varying : "c" + std::to_string(k) + varying;
    if (!shared || k == 0) {
      RunRecord c = testing::control_run(control, std::vector<double>(10, 0.0), "mlp", 0, varying);
      c.attributes[schema::kRunConfig] = config;
      file.runs.push_back(c);
    }
    RunRecord canary = testing::canary_run(
        {"k" + std::to_string(k) + varying, static_cast<std::int64_t>(k), 1, 0, m[k], 0.01, 0.8, control}, "mlp",
        varying);
    canary.attributes[schema::kRunConfig] = config;
    file.runs.push_back(canary);
  }
  return file;
}

TEST(RunSummary, UnderASharedControlPrintsNoTestAcrossCanariesButTheDesignLine) {
  const std::string text = markdown_summary(paired_file({0.1, 0.2, -0.05, 0.3}, "shared"));
  EXPECT_THAT(text, Not(HasSubstr("t-test of M − control")));
  EXPECT_THAT(text, Not(HasSubstr("sign test p")));
  EXPECT_THAT(text, HasSubstr(kNoVerdictForSharedControl));
  // The authors' per-model tests carry their mark.
  EXPECT_THAT(text, HasSubstr("p (t) †"));
  EXPECT_THAT(text, HasSubstr("t-test not calibrated"));
}

TEST(RunSummary, UnderIndependentPairsTheHeadlineIsTheSignAndWilcoxonTest) {
  const std::vector<double> d = {0.1, 0.2, -0.05, 0.3, 0.15};
  const std::string text = markdown_summary(paired_file(d, "independent"));
  EXPECT_THAT(text, HasSubstr("sign test p = " + format_number(sign_test_greater(d).p_value, 3)));
  EXPECT_THAT(text, HasSubstr("Wilcoxon signed-rank p = " + format_number(wilcoxon_signed_rank_greater(d).p_value, 3)));
  EXPECT_THAT(text, HasSubstr("calibration not measured here"));
  EXPECT_THAT(text, Not(HasSubstr(kNoVerdictForSharedControl)));
}

TEST(RunSummary, GivesTheMeasuredRateAndItsSourceWhenACalibrationIsGiven) {
  CalibrationEvidence evidence;
  evidence.source = "cal.h5: 40 null pairs, data.name=fashion_mnist, model.name=mlp";
  Calibration t = measured(15, 40);
  t.test = kAuthorsTTest;
  Calibration sign = measured(1, 40);
  sign.test = "sign test (M − control, 8 pairs)";
  evidence.tests = {t, sign};
  const std::string text = markdown_summary(paired_file({0.1, 0.2, 0.3}, "independent"), &evidence);
  EXPECT_THAT(text, HasSubstr("t-test not calibrated (FPR 0.375 ["));
  EXPECT_THAT(text, HasSubstr("cal.h5: 40 null pairs, data.name=fashion_mnist"));
  EXPECT_THAT(text, HasSubstr("Mann–Whitney not calibrated"));  // not measured: still marked
  EXPECT_THAT(text, HasSubstr("sign test p = " + format_number(sign_test_greater({0.1, 0.2, 0.3}).p_value, 3) +
                              " [no excess false positives detected"));
}

TEST(RunSummary, ASweepIsSummarisedPerSettingNeverPooled) {
  ResultFile file = paired_file({0.1, 0.2}, "independent", "model.name=mlp");
  for (auto& run : paired_file({-0.4, -0.3}, "independent", "model.name=cnn").runs) file.runs.push_back(run);
  const std::string text = markdown_summary(file);
  EXPECT_THAT(text, HasSubstr("summary: model.name=cnn (2 canaries)"));
  EXPECT_THAT(text, HasSubstr("summary: model.name=mlp (2 canaries)"));
  EXPECT_THAT(text, Not(HasSubstr("summary over")));
}

TEST(RunSummary, CountsNaNScoresInsteadOfDroppingThem) {
  ResultFile file = paired_file({0.1, 0.2, 0.3}, "independent");
  for (auto& run : file.runs) {
    if (run.identity == "k1") run.arrays[schema::kScoreM] = ArrayData::scalar(std::nan(""));
  }
  EXPECT_THAT(markdown_summary(file), HasSubstr("(NaN: 1 of 3, not counted)"));
  const Table settings = settings_table(group_runs(file, {}));
  EXPECT_EQ(settings.rows.front()[3], "1");  // the NaN column
}

TEST(RunSummary, AveragesMAndMMinusControlOverPatchDraws) {
  ResultFile file = paired_file({0.1}, "independent");
  for (auto& run : file.runs) {
    if (run.int_attribute(schema::kIsControl)) {
      run.arrays[schema::kScoreMDraws] = ArrayData{{2, 10}, "draw,label", std::vector<double>(20, 0.05)};
    } else {
      run.arrays[schema::kScoreMDraws] = ArrayData::vector({0.1, 0.3}, "draw");
    }
  }
  const GroupedRuns grouped = group_runs(file, {});
  const CanaryEntry& entry = grouped.settings.front().canaries.front();
  EXPECT_DOUBLE_EQ(entry.m_over_draws(), 0.2);
  EXPECT_DOUBLE_EQ(entry.difference(), 0.15);  // mean of 0.1 − 0.05 and 0.3 − 0.05
  EXPECT_NEAR(entry.m_sd_over_draws(), std::sqrt(0.02), 1e-12);
  EXPECT_THAT(markdown_summary(file), HasSubstr("mean M (mean over 2 patch draws) | 0.2 |"));
}

TEST(RunSummary, MarksAControlProbedWithAnotherFeatureAsUnpaired) {
  ResultFile file = paired_file({0.1, 0.2}, "shared");
  for (auto& run : file.runs) {
    if (run.identity == "k1") run.attributes["feature_pattern"] = std::string("11111/00000/11111/00000/11111");
  }
  const std::string text = markdown_summary(file);
  EXPECT_THAT(text, HasSubstr("‡ unpaired comparison: k1: control probed with another feature"));
  const Table settings = settings_table(group_runs(file, {}));
  EXPECT_THAT(settings.rows.front().back(), HasSubstr("unpaired: 1 comparison(s)"));
}

TEST(RunSummary, MarksAControlWithAnotherThreadCountAsUnpaired) {
  ResultFile file = paired_file({0.1, 0.2}, "independent");
  for (auto& run : file.runs) run.attributes["threads"] = std::int64_t{run.identity == "c0" ? 1 : 2};
  EXPECT_THAT(markdown_summary(file), HasSubstr("k0: control ran other arithmetic: 1 threads (the canary: 2)"));
}

TEST(SettingsTable, DropsTestsAcrossCanariesOfASharedControl) {
  const Table table = settings_table(group_runs(paired_file({0.1, 0.2, 0.3}, "shared"), {}));
  const auto& row = table.rows.front();
  const std::size_t sign = 11, wilcoxon = 12, t = 13;  // after the "setting" column
  EXPECT_EQ(table.header[sign], "p (sign)");
  EXPECT_EQ(row[sign], "");
  EXPECT_EQ(row[wilcoxon], "");
  EXPECT_EQ(row[t], "");
  EXPECT_THAT(row.back(), HasSubstr("dependent canaries"));
  const Table independent = settings_table(group_runs(paired_file({0.1, 0.2, 0.3}, "independent"), {}));
  EXPECT_EQ(independent.rows.front()[sign], format_number(sign_test_greater({0.1, 0.2, 0.3}).p_value, 3));
  EXPECT_EQ(independent.header[t], "p (t-test, not calibrated)");
}

TEST(VerdictTable, ExposureOfAFixedFeatureIsDescriptive) {
  ResultFile file = paired_file({0.1, 0.2, 0.3}, "independent");
  for (auto& run : file.runs) {
    if (!run.int_attribute(schema::kIsControl)) {
      run.arrays[std::string(schema::kExposure) + schema::kExposurePSuffix] = ArrayData::scalar(0.01);
    }
  }
  const Table table = verdict_table(group_runs(file, {}), file);
  bool found = false;
  for (const auto& row : table.rows) {
    if (row[1] != "exposure") continue;
    found = true;
    EXPECT_THAT(row.back(), HasSubstr("descriptive: fixed feature (feature.pattern=A)"));
  }
  EXPECT_TRUE(found);
}

TEST(Report, APooledVerdictAskedForOverASharedControlIsAOneLineError) {
  const ResultFile file = paired_file({0.1, 0.2, 0.3}, "shared");
  ReportOptions options;
  options.tables = {"verdicts"};
  try {
    report(file, options);
    FAIL() << "printed pooled verdicts over one shared control";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr("--table verdicts"));
    EXPECT_THAT(error.what(), HasSubstr("canaries.pairing=independent"));
  }
  options.tables = {"verdicts"};
  EXPECT_NO_THROW(report(paired_file({0.1, 0.2, 0.3}, "independent"), options));
}

}  // namespace
}  // namespace ufm
