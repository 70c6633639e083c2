#include "report/summary_statistics.h"

#include <cmath>

#include "core/statistics.h"
#include "core/text.h"

namespace ufm {

std::vector<double> finite(const std::vector<double>& values) {
  std::vector<double> out;
  for (double v : values) {
    if (!std::isnan(v)) out.push_back(v);
  }
  return out;
}

double mean_of(const std::vector<double>& values) {
  const std::vector<double> kept = finite(values);
  if (kept.empty()) return std::nan("");
  double sum = 0.0;
  for (double v : kept) sum += v;
  return sum / static_cast<double>(kept.size());
}

double sample_sd(const std::vector<double>& values) {
  const std::vector<double> kept = finite(values);
  if (kept.size() < 2) return std::nan("");
  const double centre = mean_of(kept);
  double sum = 0.0;
  for (double v : kept) sum += (v - centre) * (v - centre);
  return std::sqrt(sum / static_cast<double>(kept.size() - 1));
}

double fraction_of(const std::vector<double>& values, bool (*predicate)(double)) {
  const std::vector<double> kept = finite(values);
  if (kept.empty()) return std::nan("");
  std::size_t hits = 0;
  for (double v : kept) hits += predicate(v) ? 1 : 0;
  return static_cast<double>(hits) / static_cast<double>(kept.size());
}

std::string cell(double value, int digits) { return format_number(value, digits); }

MeanInterval mean_interval(const std::vector<double>& values) {
  const std::vector<double> kept = finite(values);
  const double nan = std::nan("");
  MeanInterval out{mean_of(kept), nan, nan, kept.size()};
  if (kept.size() < 2) return out;
  const double half = student_t_quantile(0.975, static_cast<double>(kept.size() - 1)) * sample_sd(kept) /
                      std::sqrt(static_cast<double>(kept.size()));
  out.low = out.mean - half;
  out.high = out.mean + half;
  return out;
}

std::string interval_cell(const MeanInterval& interval) {
  return cell(interval.mean) + " [" + cell(interval.low, 3) + ", " + cell(interval.high, 3) + "]";
}

}  // namespace ufm
