#include "report/one_run_plot.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>
#include <vector>

#include "core/text_file.h"
#include "report/one_run_table.h"
#include "report/plots.h"
#include "storage/schema.h"

namespace ufm {

std::string write_one_run_plot(const ResultFile& file, const std::string& directory) {
  std::map<std::string, std::vector<double>> p_by_setting;
  for (const RunRecord& run : file.runs) {
    if (!is_one_run_record(run) || !run.has_attribute(schema::kOneRunPValue)) continue;
    const std::string kind = run.int_attribute(schema::kOneRunNull) != 0 ? " (null)" : "";
    p_by_setting[one_run_group(run) + kind].push_back(std::max(run.double_attribute(schema::kOneRunPValue), 1e-300));
  }
  if (p_by_setting.empty()) return "";
  const std::filesystem::path dir(directory);
  std::filesystem::create_directories(dir);
  std::ostringstream data, plot;
  plot << "set terminal pngcairo noenhanced size 800,800 font 'sans,10'\nset output 'one_run_pvalues.png'\n"
       << "set title 'One-run audits: p of no memorisation per training against Uniform(0,1)'\n"
       << "set xlabel 'uniform quantile i/(n+1)'\nset ylabel 'sorted p-value'\nset logscale xy\n"
       << "set xrange [0.005:1]\nset yrange [1e-6:1]\nset size square\nset grid\nset key bottom right\n"
       << "plot x with lines dashtype 2 lc rgb 'grey' title 'y = x (calibrated null)', "
       << "0.05 with lines dashtype 3 lc rgb 'black' title 'p = 0.05', "
       << "0.01 with lines dashtype 4 lc rgb 'black' title 'p = 0.01'";
  int series = 0;
  for (auto& [setting, p] : p_by_setting) {
    std::sort(p.begin(), p.end());
    data << "# " << setting << "\n";
    for (std::size_t i = 0; i < p.size(); ++i) {
      data << plot_number(static_cast<double>(i + 1) / static_cast<double>(p.size() + 1)) << " " << plot_number(p[i])
           << "\n";
    }
    data << "\n\n";
    plot << ", \\\n  'one_run_pvalues.dat' index " << series++ << " using 1:2 with linespoints pt 7 ps 0.8 title '"
         << setting << " (" << p.size() << ")'";
  }
  plot << "\n";
  write_text_file((dir / "one_run_pvalues.dat").string(), data.str());
  write_text_file((dir / "one_run_pvalues.gp").string(), plot.str());
  render_gnuplot(dir.string(), "one_run_pvalues");
  return (dir / "one_run_pvalues.png").string();
}

}  // namespace ufm
