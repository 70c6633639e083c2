#include "report/plots.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>

#include "core/error.h"
#include "core/text.h"
#include "core/text_file.h"
#include "storage/schema.h"

namespace ufm {
namespace {

namespace fs = std::filesystem;

constexpr const char* kCanaryColour = "#1f77b4";
constexpr const char* kControlColour = "#d62728";

// A gnuplot single-quoted string: only ' needs escaping (doubled).
std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

// A POSIX shell single-quoted word.
std::string shell_quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}


std::string terminal(const std::string& name, int width = 900, int height = 600) {
  return "set terminal pngcairo noenhanced size " + std::to_string(width) + "," + std::to_string(height) +
         " font 'sans,10'\nset output " + quoted(name + ".png") + "\n";
}

// Deterministic jitter in [-0.12, 0.12] from the run identity, so figures are reproducible.
double jitter(const std::string& identity) {
  const unsigned long long hash = std::strtoull(fnv1a_hex(identity).substr(0, 8).c_str(), nullptr, 16);
  return (static_cast<double>(hash) / 4294967295.0 - 0.5) * 0.24;
}

void write_text(const fs::path& path, const std::string& text) { write_text_file(path.string(), text); }

void run_gnuplot(const fs::path& directory, const std::string& name) {
  const std::string command =
      "cd " + shell_quoted(directory.string()) + " && gnuplot " + shell_quoted(name + ".gp") + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  UFM_CHECK(pipe, RuntimeError, "--plots: cannot start gnuplot for ", name, ".gp");
  std::string output;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
  const int status = pclose(pipe);
  std::string first_error;
  for (const auto& line : split(output, '\n')) {
    if (first_error.empty() && line.find_first_not_of(" \t^") != std::string::npos &&
        line.find("warning") == std::string::npos) {
      first_error = line;
    }
  }
  UFM_CHECK(status == 0, RuntimeError, "--plots: gnuplot failed on ", (directory / (name + ".gp")).string(), ": ",
            first_error.empty() ? "exit status " + std::to_string(status) : first_error);
  UFM_CHECK(fs::exists(directory / (name + ".png")), RuntimeError, "--plots: gnuplot wrote no ", name, ".png in ",
            directory.string());
}

std::string plot_m_per_setting(const GroupedRuns& grouped, const fs::path& directory) {
  std::ostringstream canaries, controls, tics;
  canaries << "# setting x M identity (canaries)\n";
  controls << "# setting x M_control_at_canary_label canary_identity (controls)\n";
  bool any_control = false;
  for (std::size_t s = 0; s < grouped.settings.size(); ++s) {
    const Setting& setting = grouped.settings[s];
    tics << (s ? ", " : "") << quoted(setting_label(grouped.keys, setting)) << " " << s;
    for (const CanaryEntry& canary : setting.canaries) {
      const double x = static_cast<double>(s) - 0.15 + jitter(canary.run->identity) * 0.5;
      canaries << s << " " << plot_number(x) << " " << plot_number(canary.m) << " " << canary.run->identity << "\n";
      if (!std::isnan(canary.control_m)) {
        any_control = true;
        controls << s << " " << plot_number(x + 0.3) << " " << plot_number(canary.control_m) << " " << canary.run->identity
                 << "\n";
      }
    }
  }
  write_text(directory / "m_per_setting.dat", canaries.str() + "\n\n" + controls.str());
  std::ostringstream script;
  script << terminal("m_per_setting") << "set title 'M per setting: every model a point'\n"
         << "set ylabel 'M (label known)'\nset xtics rotate by -30 (" << tics.str() << ")\n"
         << "set xrange [-0.6:" << plot_number(static_cast<double>(grouped.settings.size()) - 0.4) << "]\n"
         << "set grid ytics\nset key below horizontal\n"
         << "plot 0 with lines dashtype 2 lc rgb 'grey' notitle, \\\n"
         << "  'm_per_setting.dat' index 0 using 2:3 with points pt 7 ps 1.2 lc rgb '" << kCanaryColour
         << "' title 'canary'";
  if (any_control) {
    script << ", \\\n  'm_per_setting.dat' index 1 using 2:3 with points pt 5 ps 1.2 lc rgb '" << kControlColour
           << "' title 'control at the canary''s label'";
  }
  script << "\n";
  write_text(directory / "m_per_setting.gp", script.str());
  run_gnuplot(directory, "m_per_setting");
  return "m_per_setting";
}

std::string plot_m_by_seed(const GroupedRuns& grouped, const fs::path& directory) {
  std::ostringstream data, plots;
  std::size_t block = 0;
  for (const Setting& setting : grouped.settings) {
    for (std::size_t begin = 0; begin < setting.canaries.size();) {
      std::size_t end = begin;
      std::string title = "canary " + std::to_string(setting.canaries[begin].index);
      if (!grouped.keys.empty()) title += " (" + setting_label(grouped.keys, setting) + ")";
      data << (block ? "\n\n" : "") << "# " << title << ": seed M\n";
      while (end < setting.canaries.size() && setting.canaries[end].index == setting.canaries[begin].index) {
        data << setting.canaries[end].seed << " " << plot_number(setting.canaries[end].m) << "\n";
        ++end;
      }
      plots << (block ? ", \\\n  " : "") << "'m_by_seed.dat' index " << block
            << " using 1:2 with linespoints pt 7 title " << quoted(title);
      ++block;
      begin = end;
    }
  }
  write_text(directory / "m_by_seed.dat", data.str());
  write_text(directory / "m_by_seed.gp", terminal("m_by_seed") + "set title 'M across training seeds'\n"
                                             "set xlabel 'train.seed'\nset ylabel 'M (label known)'\n"
                                             "set grid\nset key outside right\nset xtics 1\n"
                                             "plot " + plots.str() + "\n");
  run_gnuplot(directory, "m_by_seed");
  return "m_by_seed";
}

// Values at `column` of an (epoch[, label]) array; empty when the shape does not fit.
std::vector<double> epoch_series(const ArrayData& array, std::int64_t column) {
  const auto values = array.as_doubles();
  if (array.shape.size() == 1) return values;
  if (array.shape.size() != 2 || column < 0 || column >= array.shape[1]) return {};
  std::vector<double> series;
  for (std::int64_t e = 0; e < array.shape[0]; ++e) series.push_back(values[e * array.shape[1] + column]);
  return series;
}

std::string plot_m_per_epoch(const GroupedRuns& grouped, const fs::path& directory) {
  const std::string path = "scores_per_epoch/M";
  std::ostringstream data, plots;
  std::size_t block = 0;
  const auto add = [&](const std::vector<double>& series, const std::string& title, bool control) {
    if (series.empty()) return;
    data << (block ? "\n\n" : "") << "# " << title << ": epoch M\n";
    for (std::size_t e = 0; e < series.size(); ++e) data << e + 1 << " " << plot_number(series[e]) << "\n";
    plots << (block ? ", \\\n  " : "") << "'m_per_epoch.dat' index " << block << " using 1:2 with lines "
          << (control ? "dashtype 2 lc rgb '" + std::string(kControlColour) + "' " : "") << "title "
          << quoted(title);
    ++block;
  };
  for (const Setting& setting : grouped.settings) {
    const std::string suffix = grouped.keys.empty() ? "" : " (" + setting_label(grouped.keys, setting) + ")";
    std::set<std::pair<std::string, std::int64_t>> control_lines;
    for (const CanaryEntry& canary : setting.canaries) {
      if (canary.run->has_array(path)) {
        add(epoch_series(canary.run->array(path), 0),
            "canary " + std::to_string(canary.index) + " seed " + std::to_string(canary.seed) + suffix, false);
      }
      if (canary.control && canary.control->has_array(path) &&
          control_lines.insert({canary.control->identity, canary.label}).second) {
        add(epoch_series(canary.control->array(path), canary.label),
            "control " + canary.control->identity.substr(0, 8) + " at label " + std::to_string(canary.label) + suffix,
            true);
      }
    }
  }
  if (block == 0) return "";
  write_text(directory / "m_per_epoch.dat", data.str());
  write_text(directory / "m_per_epoch.gp", terminal("m_per_epoch") + "set title 'M after every epoch'\n"
                                               "set xlabel 'epoch'\nset ylabel 'M (label known)'\n"
                                               "set grid\nset key outside right\nset xtics 1\n"
                                               "plot " + plots.str() + "\n");
  run_gnuplot(directory, "m_per_epoch");
  return "m_per_epoch";
}

std::string plot_pattern(const std::string& pattern, const std::string& name, const fs::path& directory) {
  const std::vector<std::string> rows = split(pattern, '/');
  std::ostringstream data;
  data << "# unique feature " << pattern << " (row 0 first; 1 = stamped white pixel)\n";
  std::size_t columns = 0;
  for (const auto& row : rows) {
    columns = std::max(columns, row.size());
    for (std::size_t c = 0; c < row.size(); ++c) data << (c ? " " : "") << (row[c] == '1' ? 1 : 0);
    data << "\n";
  }
  write_text(directory / (name + ".dat"), data.str());
  std::ostringstream script;
  script << terminal(name, 420, 440) << "set title " << quoted("unique feature " + pattern) << "\n"
         << "set size ratio -1\nset palette gray\nset cbrange [0:1]\nunset colorbox\n"
         << "set xrange [-0.5:" << plot_number(static_cast<double>(columns) - 0.5) << "]\n"
         << "set yrange [" << plot_number(static_cast<double>(rows.size()) - 0.5) << ":-0.5]\n"
         << "set xtics 1\nset ytics 1\nset xlabel 'column'\nset ylabel 'row'\n"
         << "plot " << quoted(name + ".dat") << " matrix with image notitle\n";
  write_text(directory / (name + ".gp"), script.str());
  run_gnuplot(directory, name);
  return name;
}

// The privacy profile δ(ε) of each private setting (the stated relation, min of PLD and RDP)
// with its dominating μ-GDP profile dashed beside it, on a log scale; "" when no run is private.
std::string plot_privacy_profiles(const GroupedRuns& grouped, const fs::path& directory) {
  std::ostringstream data, plots;
  std::size_t block = 0;
  double largest_epsilon = 1.0;
  for (const Setting& setting : grouped.settings) {
    if (setting.canaries.empty()) continue;
    const RunRecord& run = *setting.canaries.front().run;
    if (!run.has_array(schema::kPrivacyProfileDelta) || !run.has_array(schema::kPrivacyProfileGdpDelta)) continue;
    const auto epsilons = run.array(schema::kPrivacyProfileEpsilon).as_doubles();
    const auto deltas = run.array(schema::kPrivacyProfileDelta).as_doubles();
    const auto gdp = run.array(schema::kPrivacyProfileGdpDelta).as_doubles();
    const std::string label = grouped.keys.empty() ? "profile" : setting_label(grouped.keys, setting);
    const std::string mu = plot_number(run.double_attribute(schema::kPrivacyMu));
    data << (block ? "\n\n" : "") << "# " << label << ": epsilon delta delta_mu_gdp (mu " << mu << ")\n";
    for (std::size_t i = 0; i < epsilons.size() && i < deltas.size() && i < gdp.size(); ++i) {
      data << plot_number(epsilons[i]) << " " << plot_number(deltas[i]) << " " << plot_number(gdp[i]) << "\n";
      if (deltas[i] > 1e-10) largest_epsilon = std::max(largest_epsilon, epsilons[i]);
    }
    const int colour = static_cast<int>(block) + 1;
    plots << (block ? ", \\\n  " : "") << "'privacy_profile.dat' index " << block
          << " using 1:2 with lines lw 2 lc " << colour << " title " << quoted(label + ": delta(epsilon)") << ", \\\n  "
          << "'privacy_profile.dat' index " << block << " using 1:3 with lines dashtype 2 lc " << colour
          << " title " << quoted(label + ": " + mu + "-GDP");
    ++block;
  }
  if (block == 0) return "";
  write_text(directory / "privacy_profile.dat", data.str());
  std::ostringstream script;
  script << terminal("privacy_profile") << "set title 'Privacy profile of the planned schedule, with its mu-GDP bound'\n"
         << "set xlabel 'epsilon'\nset ylabel 'delta(epsilon)'\nset logscale y\nset format y '%.0e'\n"
         << "set yrange [1e-10:1]\nset xrange [0:" << plot_number(largest_epsilon) << "]\n"
         << "set grid\nset key outside right\nplot " << plots.str() << "\n";
  write_text(directory / "privacy_profile.gp", script.str());
  run_gnuplot(directory, "privacy_profile");
  return "privacy_profile";
}

}  // namespace

std::string plot_number(double value) {
  std::ostringstream out;
  out << std::setprecision(9) << value;
  return std::isnan(value) ? "NaN" : out.str();
}

void render_gnuplot(const std::string& directory, const std::string& name) { run_gnuplot(directory, name); }

bool gnuplot_available() {
  const char* path = std::getenv("PATH");
  if (!path) return false;
  for (const auto& entry : split(path, ':')) {
    const std::string candidate = (entry.empty() ? std::string(".") : entry) + "/gnuplot";
    if (::access(candidate.c_str(), X_OK) == 0 && !fs::is_directory(candidate)) return true;
  }
  return false;
}

std::vector<std::string> write_plots(const ResultFile& file, const GroupedRuns& grouped,
                                     const std::string& directory) {
  UFM_CHECK(gnuplot_available(), RuntimeError,
            "--plots: gnuplot is not on PATH (Debian: apt-get install gnuplot-nox), so no figures can be drawn");
  const fs::path dir(directory);
  std::error_code error;
  fs::create_directories(dir, error);
  UFM_CHECK(!error && fs::is_directory(dir), RuntimeError, "--plots: cannot create the directory ", directory, ": ",
            error.message());

  std::vector<std::string> names;
  if (!grouped.settings.empty()) names.push_back(plot_m_per_setting(grouped, dir));
  if (seeds_vary(file)) {
    // One line per canary across seeds: regroup without train.seed if it was a grouping key.
    std::vector<std::string> keys;
    for (const auto& key : grouped.keys) {
      if (key != "train.seed") keys.push_back(key);
    }
    names.push_back(plot_m_by_seed(keys.size() == grouped.keys.size() ? grouped : group_runs(file, keys), dir));
  }
  const std::string per_epoch = plot_m_per_epoch(grouped, dir);
  if (!per_epoch.empty()) names.push_back(per_epoch);
  const std::string privacy = plot_privacy_profiles(grouped, dir);
  if (!privacy.empty()) names.push_back(privacy);

  std::vector<std::string> patterns;
  for (const auto& run : file.runs) {
    if (!run.has_attribute(schema::kFeaturePatternAttribute)) continue;
    const std::string pattern = run.string_attribute(schema::kFeaturePatternAttribute);
    if (std::find(patterns.begin(), patterns.end(), pattern) == patterns.end()) patterns.push_back(pattern);
  }
  // Random features give every pair its own pattern: draw the first few, not forty figures.
  constexpr std::size_t kMaxPatternFigures = 8;
  for (std::size_t i = 0; i < std::min(patterns.size(), kMaxPatternFigures); ++i) {
    names.push_back(
        plot_pattern(patterns[i], patterns.size() == 1 ? "feature_pattern" : "feature_pattern_" + std::to_string(i + 1),
                     dir));
  }
  std::vector<std::string> written;
  for (const auto& name : names) written.push_back((dir / (name + ".png")).string());
  return written;
}

}  // namespace ufm
