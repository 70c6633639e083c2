#pragma once
/// Descriptive summaries the report's tables share. Every function leaves NaN values out
/// (callers count and show them where they matter) and returns NaN when nothing is left.
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

namespace ufm {

/// `values` without NaN.
std::vector<double> finite(const std::vector<double>& values);
double mean_of(const std::vector<double>& values);
/// Sample standard deviation (ddof = 1); NaN with fewer than 2 values.
double sample_sd(const std::vector<double>& values);
/// Fraction of the values for which `predicate` holds.
double fraction_of(const std::vector<double>& values, bool (*predicate)(double));
/// A table cell: format_number with `digits` significant digits.
std::string cell(double value, int digits = 4);

/// A mean with its two-sided 95 % Student-t interval over `n` independent values (NaN
/// bounds with fewer than 2).
struct MeanInterval {
  double mean = std::numeric_limits<double>::quiet_NaN(), low = mean, high = mean;
  std::size_t n = 0;
};
MeanInterval mean_interval(const std::vector<double>& values);
/// "mean [low, high]".
std::string interval_cell(const MeanInterval& interval);

}  // namespace ufm
