#include "report/summary_table.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "core/text.h"
#include "evaluation/statistics.h"
#include "report/settings.h"
#include "storage/schema.h"

namespace ufm {
namespace {

// Reading runs is shared with the grouped tables (report/settings.h).
double scalar(const RunRecord& run, const char* path) { return scalar_or_nan(run, path); }

double mean(const std::vector<double>& values) {
  double sum = 0.0;
  std::size_t n = 0;
  for (double v : values) {
    if (std::isnan(v)) continue;
    sum += v;
    ++n;
  }
  return n ? sum / static_cast<double>(n) : std::nan("");
}

double fraction(const std::vector<double>& values, bool (*predicate)(double)) {
  std::size_t hits = 0, n = 0;
  for (double v : values) {
    if (std::isnan(v)) continue;
    ++n;
    hits += predicate(v) ? 1 : 0;
  }
  return n ? static_cast<double>(hits) / static_cast<double>(n) : std::nan("");
}

std::string cell(double value, int digits = 4) { return format_number(value, digits); }

}  // namespace

std::string markdown_summary(const ResultFile& file) {
  std::map<std::string, const RunRecord*> by_identity;
  std::vector<const RunRecord*> controls, canaries;
  for (const auto& run : file.runs) {
    by_identity[run.identity] = &run;
    (run.has_attribute(schema::kIsControl) && run.int_attribute(schema::kIsControl) ? controls : canaries)
        .push_back(&run);
  }
  auto order = [](const RunRecord* a, const RunRecord* b) {
    const auto key = [](const RunRecord* r) {
      return std::make_tuple(r->string_attribute(schema::kVaryingKeys), r->int_attribute(schema::kSeed),
                             r->int_attribute(schema::kCanaryIndex), r->identity);
    };
    return key(a) < key(b);
  };
  std::sort(controls.begin(), controls.end(), order);
  std::sort(canaries.begin(), canaries.end(), order);

  std::ostringstream out;
  out << "| run | seed | canary | label | epochs (best/run) | test acc | M | M − control | p (t) | p (MW) | M2 | "
         "M2 − control | M14 | M15 |\n";
  out << "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const RunRecord* control : controls) {
    const auto m = control->array(schema::kScoreM).as_doubles();
    out << "| " << control->identity.substr(0, 8) << " | " << control->int_attribute(schema::kSeed)
        << " | control | all | " << scalar(*control, schema::kBestEpoch) << "/" << scalar(*control, schema::kEpochsRun)
        << " | " << cell(scalar(*control, schema::kTestAccuracy)) << " | " << cell(mean(m)) << " (mean over labels) | "
        << " | | | " << cell(scalar(*control, schema::kScoreM2)) << " | | " << cell(scalar(*control, schema::kScoreM14))
        << " | " << cell(scalar(*control, schema::kScoreM15)) << " |\n";
  }
  std::vector<double> m_values, p_values, m_differences, m2_differences, accuracies, mw_values;
  for (const RunRecord* canary : canaries) {
    const std::int64_t label = canary->int_attribute(schema::kCanaryLabel);
    const double m = scalar(*canary, schema::kScoreM);
    const double p = scalar(*canary, schema::kScoreMTtestP);
    const double m2 = scalar(*canary, schema::kScoreM2);
    double m_difference = std::nan(""), m2_difference = std::nan("");
    if (canary->has_attribute(schema::kControlIdentity)) {
      auto found = by_identity.find(canary->string_attribute(schema::kControlIdentity));
      if (found != by_identity.end()) {
        m_difference = m - control_m_at(*found->second, label);
        m2_difference = m2 - scalar(*found->second, schema::kScoreM2);
      }
    }
    m_values.push_back(m);
    p_values.push_back(p);
    mw_values.push_back(scalar(*canary, schema::kScoreMMannWhitneyP));
    m_differences.push_back(m_difference);
    m2_differences.push_back(m2_difference);
    accuracies.push_back(scalar(*canary, schema::kTestAccuracy));
    out << "| " << canary->identity.substr(0, 8) << " | " << canary->int_attribute(schema::kSeed) << " | "
        << canary->int_attribute(schema::kCanaryIndex) << " | " << label << " | "
        << scalar(*canary, schema::kBestEpoch) << "/" << scalar(*canary, schema::kEpochsRun) << " | "
        << cell(scalar(*canary, schema::kTestAccuracy)) << " | " << cell(m) << " | " << cell(m_difference) << " | "
        << cell(p, 3) << " | " << cell(mw_values.back(), 3) << " | " << cell(m2) << " | " << cell(m2_difference)
        << " | " << cell(scalar(*canary, schema::kScoreM14)) << " | " << cell(scalar(*canary, schema::kScoreM15))
        << " |\n";
  }
  if (!canaries.empty()) {
    const auto positive = [](double v) { return v > 0; };
    const auto significant = [](double v) { return v < 0.05; };
    out << "\n| summary over " << canaries.size() << " canaries | value |\n|---|---|\n";
    out << "| mean M | " << cell(mean(m_values)) << " |\n";
    out << "| fraction M > 0 | " << cell(fraction(m_values, positive), 3) << " |\n";
    out << "| fraction p (t) < 0.05 | " << cell(fraction(p_values, significant), 3) << " |\n";
    out << "| fraction p (MW) < 0.05 | " << cell(fraction(mw_values, significant), 3) << " |\n";
    out << "| mean M − control (at the canary's label) | " << cell(mean(m_differences)) << " |\n";
    out << "| fraction M − control > 0 | " << cell(fraction(m_differences, positive), 3) << " |\n";
    std::vector<double> finite;
    for (double d : m_differences) {
      if (!std::isnan(d)) finite.push_back(d);
    }
    if (finite.size() >= 2) {
      const TestResult test = one_sample_t_test_greater(finite);
      out << "| one-sided t-test of M − control > 0 across canaries | t = " << cell(test.statistic, 3)
          << ", p = " << cell(test.p_value, 3) << " |\n";
    }
    out << "| mean M2 − control | " << cell(mean(m2_differences)) << " |\n";
    out << "| mean test accuracy | " << cell(mean(accuracies)) << " |\n";
  }
  bool unnormalised = false;
  for (const auto& run : file.runs) {
    if (run.has_attribute("ood_normalised") && run.int_attribute("ood_normalised") == 0) unnormalised = true;
  }
  if (unnormalised) {
    out << "\nWARNING: OOD images were left unnormalised (ood.normalise=false), reproducing a bug of the "
           "authors' code; these scores are not comparable with normalised ones.\n";
  }
  return out.str();
}

}  // namespace ufm
