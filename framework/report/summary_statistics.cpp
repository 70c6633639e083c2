#include "report/summary_statistics.h"

#include <cmath>

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

}  // namespace ufm
