#include "report/privacy_tradeoff_plot.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "core/statistics.h"
#include "core/text_file.h"
#include "report/per_canary_tests.h"
#include "report/plots.h"
#include "storage/schema.h"

namespace ufm {
namespace {

namespace fs = std::filesystem;

// The tests the figure pools: each model's own exposure and the exposure against the
// reference (under DP an own-noise reference, which does not cancel the noise).
constexpr const char* kTests[] = {"exposure", "exposure vs control"};

struct LevelPoint {
  std::string label;
  bool is_private = false;
  double mu = 0.0, accuracy = 0.0;
  double pooled_p[2] = {0.0, 0.0};
};

LevelPoint point_of(const GroupedRuns& grouped, const Setting& setting) {
  LevelPoint point;
  point.label = setting_label(grouped.keys, setting);
  const RunRecord& first = *setting.canaries.front().run;
  point.is_private = first.has_attribute(schema::kPrivacyMu);
  if (point.is_private) point.mu = first.double_attribute(schema::kPrivacyMu);
  std::vector<const RunRecord*> runs;
  for (const CanaryEntry& canary : setting.canaries) {
    point.accuracy += canary.test_accuracy / static_cast<double>(setting.canaries.size());
    runs.push_back(canary.run);
  }
  for (int t = 0; t < 2; ++t) {
    for (const PerCanaryTest& test : per_canary_tests()) {
      if (test.name != kTests[t]) continue;
      const std::vector<double> p = values_of(runs, test.path);
      point.pooled_p[t] = p.empty() ? std::nan("") : fisher_combination(p).p_value;
    }
  }
  return point;
}

}  // namespace

std::string write_privacy_tradeoff_plot(const GroupedRuns& grouped, const std::string& directory) {
  std::vector<LevelPoint> points;
  bool any_private = false;
  for (const Setting& setting : grouped.settings) {
    if (setting.canaries.empty()) continue;
    points.push_back(point_of(grouped, setting));
    any_private = any_private || points.back().is_private;
  }
  if (!any_private) return "";
  std::stable_sort(points.begin(), points.end(), [](const LevelPoint& a, const LevelPoint& b) {
    return a.is_private && b.is_private && a.mu < b.mu;  // the private line runs left to right
  });
  const fs::path dir(directory);
  fs::create_directories(dir);
  std::ostringstream data, lines;
  data << "# private settings: mu test_accuracy fisher_p_exposure fisher_p_exposure_vs_control label\n";
  for (const LevelPoint& point : points) {
    if (!point.is_private) continue;
    data << plot_number(point.mu) << " " << plot_number(point.accuracy) << " " << plot_number(point.pooled_p[0]) << " "
         << plot_number(point.pooled_p[1]) << " \"" << point.label << "\"\n";
  }
  // Non-private settings: horizontal lines at their accuracy and pooled p.
  std::ostringstream accuracy_lines, p_lines;
  for (const LevelPoint& point : points) {
    if (point.is_private) continue;
    data << "# not private, " << point.label << ": accuracy " << plot_number(point.accuracy) << ", Fisher p "
         << plot_number(point.pooled_p[0]) << " / " << plot_number(point.pooled_p[1]) << "\n";
    accuracy_lines << ", \\\n  " << plot_number(point.accuracy) << " with lines dashtype 3 lc rgb 'black' title '"
                   << point.label << " (not private)'";
    for (int t = 0; t < 2; ++t) {
      if (std::isnan(point.pooled_p[t])) continue;
      p_lines << ", \\\n  " << plot_number(point.pooled_p[t]) << " with lines dashtype 3 lc " << t + 1 << " title '"
              << kTests[t] << ", " << point.label << " (not private)'";
    }
  }
  double lowest = 0.0, highest = 0.0;
  for (const LevelPoint& point : points) {
    if (!point.is_private) continue;
    lowest = lowest == 0.0 ? point.mu : std::min(lowest, point.mu);
    highest = std::max(highest, point.mu);
  }
  std::ostringstream script;
  script << "set terminal pngcairo noenhanced size 1000,800 font 'sans,10'\nset output 'privacy_tradeoff.png'\n"
         << "set multiplot layout 2,1 title 'What each privacy level costs, and the memorisation evidence left'\n"
         << "set lmargin 12\nset rmargin 42\nset xrange [" << plot_number(lowest / 1.5) << ":" << plot_number(highest * 1.5)
         << "]\nset logscale x\nset xlabel 'mu-GDP of the planned schedule'\nset grid\nset key outside right\n"
         << "set ylabel 'test accuracy (mean over canaries)'\n"
         << "plot 'privacy_tradeoff.dat' using 1:2 with linespoints pt 7 lc rgb 'black' title 'private'"
         << accuracy_lines.str() << "\n"
         << "set logscale y\nset yrange [1e-4:1]\nset ylabel 'Fisher-pooled p'\nset format y '%.0e'\n"
         << "plot 0.05 with lines dashtype 2 lc rgb 'grey' title 'p = 0.05', \\\n"
         << "  'privacy_tradeoff.dat' using 1:3 with linespoints pt 7 lc 1 title '" << kTests[0] << "', \\\n"
         << "  'privacy_tradeoff.dat' using 1:4 with linespoints pt 5 lc 2 title '" << kTests[1] << "'" << p_lines.str()
         << "\nunset multiplot\n";
  write_text_file((dir / "privacy_tradeoff.dat").string(), data.str());
  write_text_file((dir / "privacy_tradeoff.gp").string(), script.str());
  render_gnuplot(dir.string(), "privacy_tradeoff");
  return (dir / "privacy_tradeoff.png").string();
}

}  // namespace ufm
