#include "report/report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "core/text.h"
#include "core/statistics.h"
#include "report/plots.h"
#include "report/privacy_tradeoff_plot.h"
#include "report/report_tables.h"
#include "report/summary_table.h"
#include "report_records.h"
#include "storage/result_file.h"
#include "support/requirements.h"
#include "support/temp_dir.h"

namespace ufm {
namespace {

namespace fs = std::filesystem;
using testing::model_sweep;
using testing::seed_sweep;

// Cell of `table` at `row` in the column named `column`.
std::string at(const Table& table, std::size_t row, const std::string& column) {
  for (std::size_t c = 0; c < table.header.size(); ++c) {
    if (table.header[c] == column) return table.rows.at(row).at(c);
  }
  ADD_FAILURE() << "no column " << column;
  return "";
}

TEST(SettingsTable, GroupsByAKeyWithHandComputedCountsMeansAndFractions) {
  const Table table = settings_table(group_runs(model_sweep(), {"model.name"}));
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.header[0], "model.name");
  // cnn: M = 2.5, −0.2, 0.4; p = 0.5, 0.01, 0.03; d = 2.5 − 2.0, −0.2 − (−1.0); no control for the third.
  EXPECT_EQ(at(table, 0, "model.name"), "cnn");
  EXPECT_EQ(at(table, 0, "canaries"), "3");
  EXPECT_EQ(at(table, 0, "controls"), "1");
  EXPECT_EQ(at(table, 0, "M mean"), "0.9");
  EXPECT_EQ(at(table, 0, "M sd"), "1.418");
  EXPECT_EQ(at(table, 0, "M > 0"), "0.667");
  EXPECT_EQ(at(table, 0, "p(t) < 0.05 (authors, not calibrated)"), "0.667");
  EXPECT_EQ(at(table, 0, "M−control mean"), "0.65");
  EXPECT_EQ(at(table, 0, "M−control sd"), "0.2121");
  // One shared control (the fixture's canaries have no canaries.pairing): no test across them.
  EXPECT_EQ(at(table, 0, "p (Wilcoxon)"), "");
  EXPECT_THAT(at(table, 0, "validity"), ::testing::HasSubstr("dependent canaries"));
  EXPECT_EQ(at(table, 0, "test acc"), "0.6");
  // mlp: M = 0.1, −0.05, 0.3; p = 0.01, 0.2, 0.04; control M per label 0.05, 0.0, 0.1.
  EXPECT_EQ(at(table, 1, "model.name"), "mlp");
  EXPECT_EQ(at(table, 1, "M mean"), "0.1167");
  EXPECT_EQ(at(table, 1, "M sd"), "0.1756");
  EXPECT_EQ(at(table, 1, "M > 0"), "0.667");
  EXPECT_EQ(at(table, 1, "p(t) < 0.05 (authors, not calibrated)"), "0.667");
  EXPECT_EQ(at(table, 1, "M−control mean"), "0.06667");
  EXPECT_EQ(at(table, 1, "M−control sd"), "0.1258");
  EXPECT_EQ(at(table, 1, "test acc"), "0.8");
  // The same canaries as independent pairs get their tests.
  ResultFile independent = model_sweep();
  for (auto& run : independent.runs) {
    run.attributes[schema::kRunConfig] = run.string_attribute(schema::kRunConfig) + "canaries:\n  pairing: independent\n";
  }
  const Table tested = settings_table(group_runs(independent, {"model.name"}));
  const std::vector<double> d = {0.1 - 0.05, -0.05 - 0.0, 0.3 - 0.1};
  const TestResult t = one_sample_t_test_greater(d);
  const TestResult w = wilcoxon_signed_rank_greater(d);
  EXPECT_EQ(at(tested, 1, "p (sign)"), format_number(sign_test_greater(d).p_value, 3));
  EXPECT_EQ(at(tested, 1, "p (t-test, not calibrated)"), format_number(t.p_value, 3));
  EXPECT_EQ(at(tested, 1, "p (Wilcoxon)"), format_number(w.p_value, 3));
  EXPECT_EQ(at(tested, 1, "validity"), "");
  EXPECT_GT(t.p_value, 0.05);  // a real value, not the "nan" of too few differences
}

TEST(SettingsTable, WithoutKeysIsOneRowOverAllCanaries) {
  const Table table = settings_table(group_runs(model_sweep(), {}));
  ASSERT_EQ(table.rows.size(), 1u);
  EXPECT_EQ(at(table, 0, "setting"), "all runs");
  EXPECT_EQ(at(table, 0, "canaries"), "6");
  EXPECT_EQ(at(table, 0, "controls"), "2");
}

TEST(SettingsTable, TestsReadNanWhenTooFewDifferences) {
  ResultFile file;
  file.runs.push_back(testing::control_run("c", {0.0, 0.0}, "mlp", 0, ""));
  file.runs.push_back(testing::canary_run({"a", 1, 0, 0, 0.3, 0.01, 0.9, "c"}, "mlp", ""));
  for (auto& run : file.runs) {
    run.attributes[schema::kRunConfig] = run.string_attribute(schema::kRunConfig) + "canaries:\n  pairing: independent\n";
  }
  const Table table = settings_table(group_runs(file, {}));
  EXPECT_EQ(at(table, 0, "M−control mean"), "0.3");
  EXPECT_EQ(at(table, 0, "p (t-test, not calibrated)"), "nan");
  EXPECT_EQ(at(table, 0, "p (sign)"), "0.5");
}

TEST(SeedTable, GivesTheBetweenSeedSpreadPerCanary) {
  const Table table = seed_table(group_runs(seed_sweep(), {}));
  ASSERT_EQ(table.rows.size(), 2u);
  // Canary 3: M 0.5, 0.7; d = 0.3, 0.5.
  EXPECT_EQ(at(table, 0, "canary"), "3");
  EXPECT_EQ(at(table, 0, "label"), "0");
  EXPECT_EQ(at(table, 0, "seeds"), "2");
  EXPECT_EQ(at(table, 0, "M mean"), "0.6");
  EXPECT_EQ(at(table, 0, "M sd"), "0.1414");
  EXPECT_EQ(at(table, 0, "M−control min"), "0.3");
  EXPECT_EQ(at(table, 0, "M−control max"), "0.5");
  // Canary 7: M 0.1, 0.3, 0.2; controls' M at label 1: 0.0, 0.1, 0.3, so d = 0.1, 0.2, −0.1.
  EXPECT_EQ(at(table, 1, "canary"), "7");
  EXPECT_EQ(at(table, 1, "seeds"), "3");
  EXPECT_EQ(at(table, 1, "M mean"), "0.2");
  EXPECT_EQ(at(table, 1, "M sd"), "0.1");
  EXPECT_EQ(at(table, 1, "M min"), "0.1");
  EXPECT_EQ(at(table, 1, "M max"), "0.3");
  EXPECT_EQ(at(table, 1, "M−control mean"), "0.06667");
  EXPECT_EQ(at(table, 1, "M−control sd"), "0.1528");
  EXPECT_EQ(at(table, 1, "M−control min"), "-0.1");
  EXPECT_EQ(at(table, 1, "M−control max"), "0.2");
}

TEST(RunTable, CanaryMinusControlUsesTheControlsEntryAtTheCanarysLabel) {
  const Table table = run_table(model_sweep());
  ASSERT_EQ(table.rows.size(), 8u);
  bool found = false;
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    if (at(table, r, "run") != "n-a") continue;
    found = true;
    EXPECT_EQ(at(table, r, "label"), "2");
    EXPECT_EQ(at(table, r, "M"), "2.5");
    EXPECT_EQ(at(table, r, "M − control"), "0.5");  // 2.5 − 2.0 (label 2), not 2.5 − 0.5
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(at(table, 0, "canary"), "control");
  EXPECT_EQ(at(table, 0, "M"), "0.5");  // c-cnn: mean over labels of 0.5, −1.0, 2.0
}

TEST(Report, WithoutASweepIsExactlyTheRunSummary) {
  ResultFile file = model_sweep();
  for (auto& run : file.runs) run.attributes[schema::kVaryingKeys] = std::string("");
  EXPECT_EQ(report(file, ReportOptions{}), markdown_summary(file));
}

TEST(Report, SeedSweepPrintsSettingsSeedsAndRunsInCsv) {
  ReportOptions options;
  options.format = "csv";
  const std::string text = report(seed_sweep(), options);
  const auto settings = text.find("# settings\nsetting,canaries,");
  const auto seeds = text.find("\n\n# seeds\nsetting,canary,label,seeds,");
  const auto runs = text.find("\n\n# runs\nrun,settings,seed,");
  EXPECT_NE(settings, std::string::npos) << text;
  EXPECT_NE(seeds, std::string::npos) << text;
  EXPECT_NE(runs, std::string::npos) << text;
  EXPECT_LT(settings, seeds);
  EXPECT_LT(seeds, runs);
}

TEST(Report, OneSelectedTableIsPlainCsv) {
  ReportOptions options;
  options.format = "csv";
  options.tables = {"settings"};
  options.group_by = std::vector<std::string>{"model.name"};
  EXPECT_EQ(report(model_sweep(), options), render(settings_table(group_runs(model_sweep(), {"model.name"})),
                                                    TableFormat::kCsv));
}

TEST(Report, UnknownTableIsAConfigError) {
  ReportOptions options;
  options.tables = {"setings"};
  EXPECT_THROW(report(model_sweep(), options), ConfigError);
}

TEST(ReportFile, UnknownGroupByKeyIsAOneLineErrorNamingTheFile) {
  testing::TempDir temp;
  const std::string path = temp.file("sweep.h5");
  write_result_file(path, seed_sweep());
  ReportOptions options;
  options.group_by = std::vector<std::string>{"model.nmae"};
  try {
    report_result_file(path, options);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    const std::string message = error.what();
    EXPECT_EQ(message.find('\n'), std::string::npos);
    EXPECT_NE(message.find(path), std::string::npos) << message;
    EXPECT_NE(message.find("'model.nmae'"), std::string::npos) << message;
    EXPECT_NE(message.find("did you mean 'model.name'"), std::string::npos) << message;
    EXPECT_NE(message.find("keys that vary: train.seed"), std::string::npos) << message;
  }
}

TEST(ReportFile, ReadsTheSameTablesBackFromDisk) {
  testing::TempDir temp;
  const std::string path = temp.file("models.h5");
  write_result_file(path, model_sweep());
  ReportOptions options;
  options.format = "latex";
  options.tables = {"settings"};
  const std::string text = report_result_file(path, options);
  EXPECT_EQ(text, render(settings_table(group_runs(model_sweep(), {"model.name"})), TableFormat::kLatex));
}

// Property: several result files report as one file holding all their runs (the levels of a
// sweep run one file each), and a run stored in two of them is refused with both names.
TEST(ReportFile, SeveralFilesReportAsTheirRunsTogether) {
  testing::TempDir temp;
  ResultFile mlp = model_sweep(), cnn = model_sweep();
  mlp.runs.resize(4);                           // c-mlp and its canaries
  cnn.runs.erase(cnn.runs.begin(), cnn.runs.begin() + 4);  // c-cnn and its canaries
  write_result_file(temp.file("mlp.h5"), mlp);
  write_result_file(temp.file("cnn.h5"), cnn);
  ReportOptions options;
  options.tables = {"settings"};
  EXPECT_EQ(report_result_files({temp.file("mlp.h5"), temp.file("cnn.h5")}, options),
            render(settings_table(group_runs(model_sweep(), {"model.name"})), TableFormat::kMarkdown));
  try {
    report_result_files({temp.file("mlp.h5"), temp.file("mlp.h5")}, options);
    FAIL() << "a run in two files was accepted";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("is also in " + temp.file("mlp.h5")), std::string::npos) << error.what();
  }
}

bool is_png(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[8] = {};
  in.read(magic, 8);
  return in.good() && std::string(magic, 8) == std::string("\x89PNG\r\n\x1a\n", 8);
}

TEST(Plots, WritesEveryFigureWithItsDataAndScript) {
  UFM_REQUIRE(gnuplot_available(), "gnuplot is not on PATH (make deps installs gnuplot-nox)");
  ResultFile file = seed_sweep();
  for (auto& run : file.runs) {
    const bool control = run.int_attribute(schema::kIsControl) != 0;
    ArrayData per_epoch;
    per_epoch.shape = control ? std::vector<std::int64_t>{3, 2} : std::vector<std::int64_t>{3};
    per_epoch.axes = control ? "epoch,label" : "epoch";
    per_epoch.values = control ? std::vector<double>{0.0, 0.1, 0.0, 0.2, 0.0, 0.3} : std::vector<double>{0.1, 0.2, 0.4};
    run.arrays["scores_per_epoch/M"] = per_epoch;
  }
  testing::TempDir temp;
  const std::string directory = temp.file("figures");
  const auto written = write_plots(file, group_runs(file, {}), directory);
  EXPECT_EQ(written.size(), 4u);
  for (const char* name : {"m_per_setting", "m_by_seed", "m_per_epoch", "feature_pattern"}) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(is_png(directory + "/" + name + ".png"));
    EXPECT_TRUE(fs::exists(directory + "/" + name + ".gp"));
    EXPECT_TRUE(fs::exists(directory + "/" + name + ".dat"));
  }
  std::ifstream pattern(directory + "/feature_pattern.dat");
  std::string comment, first_row;
  std::getline(pattern, comment);
  std::getline(pattern, first_row);
  EXPECT_EQ(first_row, "0 0 1 0 0");
}

TEST(Plots, LeavesOutSeedAndEpochFiguresWhenThereIsNothingToShow) {
  UFM_REQUIRE(gnuplot_available(), "gnuplot is not on PATH (make deps installs gnuplot-nox)");
  testing::TempDir temp;
  ReportOptions options;
  options.plots_directory = temp.file("figures");
  const std::string text = report(model_sweep(), options);
  EXPECT_TRUE(is_png(options.plots_directory + "/m_per_setting.png"));
  EXPECT_TRUE(is_png(options.plots_directory + "/feature_pattern.png"));
  EXPECT_FALSE(fs::exists(options.plots_directory + "/m_by_seed.png"));
  EXPECT_FALSE(fs::exists(options.plots_directory + "/m_per_epoch.png"));
  EXPECT_NE(text.find("m_per_setting.png"), std::string::npos);
}

// Property: the DP trade-off figure has one point per private setting, at its μ, with the
// canaries' mean accuracy and the Fisher-pooled exposure p; a non-private setting is a line
// (a comment row in the data), and a file without private runs gets no figure.
TEST(Plots, PrivacyTradeoffPlotsEachPrivateLevelAtItsMu) {
  UFM_REQUIRE(gnuplot_available(), "gnuplot is not on PATH (make deps installs gnuplot-nox)");
  ResultFile file = model_sweep();
  const std::vector<double> exposure_p = {0.2, 0.5, 0.04};
  std::size_t next = 0;
  for (auto& run : file.runs) {
    if (run.int_attribute(schema::kIsControl) != 0) continue;
    run.arrays[std::string(schema::kExposure) + schema::kExposurePSuffix] = ArrayData::scalar(exposure_p[next++ % 3]);
    if (run.string_attribute(schema::kVaryingKeys) == "model.name=mlp") run.attributes[schema::kPrivacyMu] = 1.5;
  }
  testing::TempDir temp;
  const std::string directory = temp.file("figures");
  EXPECT_EQ(write_privacy_tradeoff_plot(group_runs(model_sweep(), {"model.name"}), directory), "");
  const std::string png = write_privacy_tradeoff_plot(group_runs(file, {"model.name"}), directory);
  EXPECT_EQ(png, directory + "/privacy_tradeoff.png");
  EXPECT_TRUE(is_png(png));
  std::ifstream data(directory + "/privacy_tradeoff.dat");
  std::string header, row, not_private;
  std::getline(data, header);
  std::getline(data, row);
  std::getline(data, not_private);
  const double fisher = fisher_combination(exposure_p).p_value;
  EXPECT_EQ(row, "1.5 0.8 " + plot_number(fisher) + " NaN \"model.name=mlp\"");
  EXPECT_THAT(not_private, ::testing::HasSubstr("# not private, model.name=cnn: accuracy 0.6"));
}

TEST(Plots, MissingGnuplotIsAOneLineErrorBeforeAnythingIsWritten) {
  const char* old_path = std::getenv("PATH");
  const std::string saved = old_path ? old_path : "";
  testing::TempDir temp;
  const std::string directory = temp.file("figures");
  setenv("PATH", temp.path().c_str(), 1);
  try {
    write_plots(model_sweep(), group_runs(model_sweep(), {}), directory);
    ADD_FAILURE() << "expected RuntimeError";
  } catch (const RuntimeError& error) {
    EXPECT_NE(std::string(error.what()).find("gnuplot is not on PATH"), std::string::npos);
  }
  setenv("PATH", saved.c_str(), 1);
  EXPECT_FALSE(fs::exists(directory));
}

}  // namespace
}  // namespace ufm
