// The one-run audits' figure: one series per setting (null audits apart), each training's p
// sorted against uniform quantiles; nothing is written for a file without one-run audits.
#include "report/one_run_plot.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "report/plots.h"
#include "report_records.h"
#include "storage/schema.h"
#include "support/requirements.h"
#include "support/temp_dir.h"

namespace ufm {
namespace {

RunRecord one_run(const std::string& identity, int seed, bool null, double p) {
  RunRecord run;
  run.identity = identity;
  run.attributes[schema::kOneRunAudit] = std::int64_t{1};
  run.attributes[schema::kOneRunNull] = static_cast<std::int64_t>(null ? 1 : 0);
  run.attributes[schema::kOneRunPValue] = p;
  run.attributes[schema::kSeed] = std::int64_t{seed};
  run.attributes[schema::kVaryingKeys] =
      std::string(null ? "audit_level=m_null" : "audit_level=m") + ";train.seed=" + std::to_string(seed);
  return run;
}

TEST(OneRunPlot, DrawsEachSettingsSortedPValuesAgainstUniformQuantiles) {
  UFM_REQUIRE(gnuplot_available(), "gnuplot is not on PATH (make deps installs gnuplot-nox)");
  ResultFile file;
  file.runs = {one_run("a", 0, false, 0.02), one_run("b", 1, false, 0.0002), one_run("c", 2, false, 0.3),
               one_run("d", 0, true, 0.6), one_run("e", 1, true, 0.1)};
  testing::TempDir dir;
  const std::string png = write_one_run_plot(file, dir.path());
  EXPECT_EQ(png, dir.file("one_run_pvalues.png"));
  EXPECT_TRUE(std::filesystem::exists(png));
  std::ifstream in(dir.file("one_run_pvalues.dat"));
  std::stringstream data;
  data << in.rdbuf();
  // Stamped: 0.0002, 0.02, 0.3 at quantiles 1/4, 2/4, 3/4; null: 0.1, 0.6 at 1/3, 2/3.
  EXPECT_EQ(data.str(), "# audit_level=m\n" + plot_number(0.25) + " " + plot_number(0.0002) + "\n" + plot_number(0.5) +
                            " " + plot_number(0.02) + "\n" + plot_number(0.75) + " " + plot_number(0.3) +
                            "\n\n\n# audit_level=m_null (null)\n" + plot_number(1.0 / 3) + " " + plot_number(0.1) +
                            "\n" + plot_number(2.0 / 3) + " " + plot_number(0.6) + "\n\n\n");
}

TEST(OneRunPlot, WritesNothingWithoutOneRunAudits) {
  testing::TempDir dir;
  EXPECT_EQ(write_one_run_plot(testing::model_sweep(), dir.path()), "");
  EXPECT_FALSE(std::filesystem::exists(dir.file("one_run_pvalues.png")));
}

}  // namespace
}  // namespace ufm
