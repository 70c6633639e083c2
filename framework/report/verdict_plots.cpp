#include "report/verdict_plots.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>

#include "core/text.h"
#include "core/text_file.h"
#include "report/calibration.h"
#include "report/per_canary_tests.h"
#include "report/plots.h"
#include "report/pvalue_qq_plot.h"
#include "report/verdicts.h"

namespace ufm {

namespace fs = std::filesystem;

std::vector<std::string> write_verdict_plots(const ResultFile& file, const GroupedRuns& grouped,
                                             const std::string& directory) {
  std::vector<std::string> written;
  const fs::path dir(directory);
  const std::vector<const RunRecord*> nulls = null_canaries(file);
  if (!nulls.empty()) {
    std::vector<PValueSeries> series;
    for (const auto& test : per_canary_tests()) series.push_back({test.name, values_of(nulls, test.path)});
    const std::string png =
        write_pvalue_qq_plot(directory, "pvalue_qq", "p-values of null pairs against Uniform(0,1)", series, false);
    if (!png.empty()) written.push_back(png);
  }
  // Power: Fisher p of each exposure test against the number of pairs (first setting with pairs).
  const Table power = power_table(grouped);
  const std::size_t keys = key_header(grouped.keys).size();
  std::map<std::string, std::vector<std::pair<double, double>>> curves;
  for (const auto& row : power.rows) {
    const std::string& test = row[keys + 1];
    const double fisher = std::strtod(row[keys + 3].c_str(), nullptr);
    if (test.rfind("exposure", 0) != 0 || row[keys + 3].empty() || std::isnan(fisher)) continue;
    const std::string label =
        grouped.keys.empty() ? test : join(std::vector<std::string>(row.begin(), row.begin() + keys), ", ") + ": " + test;
    curves[label].emplace_back(std::strtod(row[keys].c_str(), nullptr), std::max(fisher, 1e-300));
  }
  bool enough = false;
  for (const auto& item : curves) enough = enough || item.second.size() >= 2;
  if (enough) {
    fs::create_directories(dir);
    std::ostringstream data, plot;
    plot << "set terminal pngcairo noenhanced size 900,600 font 'sans,10'\nset output 'power.png'\n"
         << "set title 'Pooled p (Fisher) against the number of canary/control pairs'\n"
         << "set xlabel 'pairs'\nset ylabel 'pooled p'\nset logscale y\nset grid\nset key below\n"
         << "plot 0.05 with lines dashtype 2 lc rgb 'grey' title 'p = 0.05'";
    int series = 0;
    for (const auto& [test, points] : curves) {
      data << "# " << test << "\n";
      for (const auto& point : points) data << plot_number(point.first) << " " << plot_number(point.second) << "\n";
      data << "\n\n";
      plot << ", \\\n  'power.dat' index " << series++ << " using 1:2 with linespoints pt 7 title '" << test << "'";
    }
    plot << "\n";
    write_text_file((dir / "power.dat").string(), data.str());
    write_text_file((dir / "power.gp").string(), plot.str());
    render_gnuplot(dir.string(), "power");
    written.push_back((dir / "power.png").string());
  }
  return written;
}

}  // namespace ufm
