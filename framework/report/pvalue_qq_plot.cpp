#include "report/pvalue_qq_plot.h"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "core/text_file.h"
#include "report/plots.h"

namespace ufm {

std::string write_pvalue_qq_plot(const std::string& directory, const std::string& name, const std::string& title,
                                 const std::vector<PValueSeries>& series, bool log_axes) {
  std::ostringstream data, plot;
  plot << "set terminal pngcairo noenhanced size 800,800 font 'sans,10'\nset output '" << name << ".png'\n"
       << "set title '" << title << "'\nset xlabel 'uniform quantile i/(n+1)'\nset ylabel 'sorted p-value'\n"
       << (log_axes ? "set logscale xy\nset xrange [0.005:1]\nset yrange [1e-6:1]\nset key bottom right\n"
                    : "set xrange [0:1]\nset yrange [0:1]\nset key top left\n")
       << "set size square\nset grid\nplot x with lines dashtype 2 lc rgb 'grey' title 'y = x'";
  if (log_axes) {
    plot << ", 0.05 with lines dashtype 3 lc rgb 'black' title 'p = 0.05', "
         << "0.01 with lines dashtype 4 lc rgb 'black' title 'p = 0.01'";
  }
  int index = 0;
  for (const PValueSeries& one : series) {
    if (one.p.empty()) continue;
    std::vector<double> p = one.p;
    std::sort(p.begin(), p.end());
    data << "# " << one.name << "\n";
    for (std::size_t i = 0; i < p.size(); ++i) {
      const double value = log_axes ? std::max(p[i], 1e-300) : p[i];
      data << plot_number(static_cast<double>(i + 1) / static_cast<double>(p.size() + 1)) << " " << plot_number(value)
           << "\n";
    }
    data << "\n\n";
    plot << ", \\\n  '" << name << ".dat' index " << index++ << " using 1:2 with linespoints pt 7 ps 0.7 title '"
         << one.name << " (" << p.size() << ")'";
  }
  if (index == 0) return "";
  plot << "\n";
  const std::filesystem::path dir(directory);
  std::filesystem::create_directories(dir);
  write_text_file((dir / (name + ".dat")).string(), data.str());
  write_text_file((dir / (name + ".gp")).string(), plot.str());
  render_gnuplot(dir.string(), name);
  return (dir / (name + ".png")).string();
}

}  // namespace ufm
