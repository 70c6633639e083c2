#include "report/calibration.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <utility>

#include "core/text.h"
#include "core/statistics.h"
#include "report/per_canary_tests.h"
#include "report/settings.h"

namespace ufm {
namespace {

double nan() { return std::nan(""); }

Calibration measure(const std::string& test, const std::vector<double>& p, const CalibrationOptions& options,
                    bool with_ks) {
  Calibration c;
  c.test = test;
  c.pairs = static_cast<std::int64_t>(p.size());
  c.alphas = options.alphas;
  c.ks_statistic = c.ks_p = nan();
  for (double alpha : options.alphas) {
    if (p.empty()) {
      c.rates.push_back(nan());
      c.lower.push_back(nan());
      c.upper.push_back(nan());
      continue;
    }
    const std::int64_t hits = count_below(p, alpha);
    const auto interval = clopper_pearson_interval(hits, c.pairs, 0.95);
    c.rates.push_back(static_cast<double>(hits) / static_cast<double>(c.pairs));
    c.lower.push_back(interval.first);
    c.upper.push_back(interval.second);
  }
  if (with_ks && !p.empty()) {
    const TestResult ks = ks_uniform(p);
    c.ks_statistic = ks.statistic;
    c.ks_p = ks.p_value;
  }
  return c;
}

// Pooled p-values of `draws` subsets of `size` distinct elements of `values`, drawn with a
// partial Fisher–Yates shuffle from a seeded stream.
std::vector<double> pooled_draws(const std::vector<double>& values, std::int64_t size, const CalibrationOptions& options,
                                 TestResult (*pool)(const std::vector<double>&), std::uint64_t salt) {
  std::vector<double> out;
  const auto n = static_cast<std::int64_t>(values.size());
  if (size < 2 || n < size) return out;
  std::mt19937_64 generator(options.seed ^ (salt * 0x9e3779b97f4a7c15ULL));
  std::vector<double> pool_values = values;
  for (std::int64_t r = 0; r < options.resamples; ++r) {
    for (std::int64_t i = 0; i < size; ++i) {
      std::uniform_int_distribution<std::int64_t> pick(i, n - 1);
      std::swap(pool_values[static_cast<std::size_t>(i)], pool_values[static_cast<std::size_t>(pick(generator))]);
    }
    const double p = pool(std::vector<double>(pool_values.begin(), pool_values.begin() + size)).p_value;
    if (!std::isnan(p)) out.push_back(p);
  }
  return out;
}

TestResult fisher_pool(const std::vector<double>& p) { return fisher_or_nan(p); }
TestResult stouffer_pool(const std::vector<double>& p) { return stouffer_or_nan(p); }
TestResult sign_pool(const std::vector<double>& d) { return sign_or_nan(d); }
TestResult wilcoxon_pool(const std::vector<double>& d) { return wilcoxon_or_nan(d); }

std::string interval_cell(double lower, double upper) {
  if (std::isnan(lower)) return "nan";
  return "[" + cell(lower, 3) + ", " + cell(upper, 3) + "]";
}

}  // namespace

std::vector<Calibration> calibrate(const ResultFile& file, const CalibrationOptions& options) {
  std::vector<Calibration> out;
  const std::vector<const RunRecord*> canaries = null_canaries(file);
  if (canaries.empty()) return out;
  std::uint64_t salt = 1;
  struct PerTest {
    std::string name;
    std::vector<double> p, stouffer_p;
    std::string descriptive;
  };
  std::vector<PerTest> per_test;
  const std::string design = descriptive_reason(canaries);
  for (const auto& test : per_canary_tests()) {
    const std::vector<double> p = values_of(canaries, test.path);
    if (p.empty()) continue;
    const std::string descriptive = test.exposure_path.empty() ? "" : design;
    out.push_back(measure(test.name, p, options, true));
    out.back().descriptive = descriptive;
    per_test.push_back({test.name, p, stouffer_values_of(canaries, test), descriptive});
  }
  const std::int64_t size = std::min<std::int64_t>(options.pooled_pairs, static_cast<std::int64_t>(canaries.size()));
  const std::string suffix = ", " + std::to_string(size) + " pairs";
  const std::string unit = "resampled " + std::to_string(size) + "-pair subsets of " +
                           std::to_string(canaries.size()) + " null pairs";
  for (const PerTest& test : per_test) {
    const auto fisher = pooled_draws(test.p, size, options, fisher_pool, salt++);
    if (!fisher.empty()) {
      out.push_back(measure("Fisher (" + test.name + suffix + ")", fisher, options, false));
      out.back().descriptive = test.descriptive;
      out.back().unit = unit;
    }
    const auto stouffer = pooled_draws(test.stouffer_p, size, options, stouffer_pool, salt++);
    if (!stouffer.empty()) {
      out.push_back(measure("Stouffer (" + test.name + suffix + ")", stouffer, options, false));
      out.back().descriptive = test.descriptive;
      out.back().unit = unit;
    }
  }
  const std::vector<double> d = null_differences(file, canaries);
  const auto sign = pooled_draws(d, size, options, sign_pool, salt++);
  if (!sign.empty()) {
    out.push_back(measure("sign test (M − control" + suffix + ")", sign, options, false));
    out.back().unit = unit;
  }
  const auto wilcoxon = pooled_draws(d, size, options, wilcoxon_pool, salt++);
  if (!wilcoxon.empty()) {
    out.push_back(measure("Wilcoxon (M − control" + suffix + ")", wilcoxon, options, false));
    out.back().unit = unit;
  }
  return out;
}

Table calibration_table(const ResultFile& file, const CalibrationOptions& options) {
  Table table;
  table.name = "calibration";
  table.header = {"test", "null pairs"};
  for (double alpha : options.alphas) {
    table.header.push_back("FPR at " + cell(alpha, 3));
    table.header.push_back("95% CI at " + cell(alpha, 3));
  }
  for (const char* column : {"KS D", "KS p", "verdict"}) table.header.push_back(column);
  for (const Calibration& c : calibrate(file, options)) {
    std::vector<std::string> row = {c.test, std::to_string(c.pairs)};
    for (std::size_t a = 0; a < options.alphas.size(); ++a) {
      row.push_back(cell(c.rates[a], 3));
      row.push_back(interval_cell(c.lower[a], c.upper[a]));
    }
    row.push_back(cell(c.ks_statistic, 3));
    row.push_back(cell(c.ks_p, 3));
    row.push_back(calibration_phrase(c, 0));
    table.rows.push_back(std::move(row));
  }
  return table;
}

CalibrationEvidence calibration_evidence(const ResultFile& file, const std::string& path) {
  CalibrationEvidence evidence;
  evidence.tests = calibrate(file);
  const std::vector<const RunRecord*> nulls = null_canaries(file);
  if (nulls.empty()) return evidence;
  std::vector<std::string> setting;
  // The setting the rates were measured in, with what a run's config leaves unwritten at its
  // default. The arithmetic changes the measured rates (README, "Mixed precision"): a bf16
  // study quotes a bf16 calibration, and a config writes the precision only when not fp32.
  const std::pair<const char*, const char*> keys[] = {{"data.name", ""}, {"model.name", ""}, {"train.precision", "fp32"}};
  for (const auto& [key, unwritten] : keys) {
    const std::string value = setting_value(*nulls.front(), key).value_or(unwritten);
    if (!value.empty()) setting.push_back(std::string(key) + "=" + value);
  }
  evidence.source = path + ": " + std::to_string(nulls.size()) + " null pairs" +
                    (setting.empty() ? "" : ", " + join(setting, ", "));
  return evidence;
}

}  // namespace ufm
