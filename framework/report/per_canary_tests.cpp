#include "report/per_canary_tests.h"

#include <algorithm>
#include <cmath>

#include "report/test_validity.h"
#include "storage/schema.h"

namespace ufm {
namespace {

double nan() { return std::nan(""); }

}  // namespace

bool is_canary(const RunRecord& run) { return is_canary_record(run); }

std::int64_t pair_key(const RunRecord& run) {
  return run.has_attribute(schema::kPairKey) ? run.int_attribute(schema::kPairKey) : -1;
}

// Values of `path` on `canaries`, NaN ones dropped.
std::vector<double> values_of(const std::vector<const RunRecord*>& canaries, const std::string& path) {
  std::vector<double> out;
  for (const RunRecord* run : canaries) {
    const double v = scalar_or_nan(*run, path.c_str());
    if (!std::isnan(v)) out.push_back(v);
  }
  return out;
}

// The same p-values as Stouffer's method takes them, NaN ones dropped: exposure rank
// p-values randomised within their cell (stouffer_ready_p), other p-values unchanged.
std::vector<double> stouffer_values_of(const std::vector<const RunRecord*>& canaries, const PerCanaryTest& test) {
  const std::string& path = test.path;
  const bool rank = !test.exposure_path.empty();
  std::vector<double> out;
  for (const RunRecord* run : canaries) {
    const double raw = scalar_or_nan(*run, path.c_str());
    const double v = rank ? stouffer_ready_p(*run, path, raw) : raw;
    if (!std::isnan(v)) out.push_back(v);
  }
  return out;
}

// Canaries that store `path` but whose value is NaN (counted and shown, never dropped silently).
std::int64_t nan_count(const std::vector<const RunRecord*>& canaries, const std::string& path) {
  std::int64_t n = 0;
  for (const RunRecord* run : canaries) {
    if (run->has_array(path) && std::isnan(scalar_or_nan(*run, path.c_str()))) ++n;
  }
  return n;
}

// The first reason any of `canaries` makes its exposure p descriptive ("" when none does).
std::string descriptive_reason(const std::vector<const RunRecord*>& canaries) {
  for (const RunRecord* run : canaries) {
    const std::string reason = exposure_descriptive_reason(*run);
    if (!reason.empty()) return reason;
  }
  return "";
}

// The first reason any comparison of `entries` is not really paired ("" when all are).
std::string unpaired_reason(const std::vector<const CanaryEntry*>& entries) {
  std::int64_t count = 0;
  std::string first;
  for (const CanaryEntry* entry : entries) {
    if (entry->unpaired.empty()) continue;
    if (first.empty()) first = entry->unpaired;
    ++count;
  }
  return count == 0 ? "" : "unpaired: " + std::to_string(count) + " comparison(s), " + first;
}

SettingDesign design_of(const std::vector<const CanaryEntry*>& entries) {
  SettingDesign design;
  design.entries = entries;
  for (const CanaryEntry* entry : entries) {
    design.runs.push_back(entry->run);
    design.dependent = design.dependent || shared_pairing(*entry->run);
  }
  design.descriptive = descriptive_reason(design.runs);
  design.unpaired = unpaired_reason(entries);
  return design;
}

std::vector<const CanaryEntry*> entries_of(const Setting& setting) {
  std::vector<const CanaryEntry*> out;
  for (const CanaryEntry& entry : setting.canaries) out.push_back(&entry);
  return out;
}

std::vector<double> differences(const std::vector<const CanaryEntry*>& canaries) {
  std::vector<double> out;
  for (const CanaryEntry* entry : canaries) {
    const double d = entry->difference();
    if (!std::isnan(d)) out.push_back(d);
  }
  return out;
}

std::int64_t count_below(const std::vector<double>& p, double alpha) {
  return std::count_if(p.begin(), p.end(), [&](double v) { return v < alpha; });
}

TestResult fisher_or_nan(const std::vector<double>& p) { return p.empty() ? TestResult{nan(), nan()} : fisher_combination(p); }
TestResult stouffer_or_nan(const std::vector<double>& p) {
  return p.empty() ? TestResult{nan(), nan()} : stouffer_combination(p);
}
TestResult sign_or_nan(const std::vector<double>& d) { return d.empty() ? TestResult{nan(), nan()} : sign_test_greater(d); }
// Wilcoxon's approximate path rejects all-zero differences; a table shows "nan" instead.
TestResult wilcoxon_or_nan(const std::vector<double>& d) {
  const bool all_zero = std::all_of(d.begin(), d.end(), [](double v) { return v == 0.0; });
  if (d.empty() || all_zero) return {nan(), nan()};
  return wilcoxon_signed_rank_greater(d);
}

std::vector<const RunRecord*> null_canaries(const ResultFile& file) {
  std::vector<const RunRecord*> out;
  for (const auto& run : file.runs) {
    if (is_canary(run) && is_null_pair(run)) out.push_back(&run);
  }
  std::sort(out.begin(), out.end(), [](const RunRecord* a, const RunRecord* b) {
    return std::make_pair(pair_key(*a), a->identity) < std::make_pair(pair_key(*b), b->identity);
  });
  return out;
}

// M − control of null canaries: the control's M at the canary's label (or the canary's own
// scoring of its control where stored).
std::vector<double> null_differences(const ResultFile& file, const std::vector<const RunRecord*>& canaries) {
  std::vector<double> out;
  for (const RunRecord* run : canaries) {
    double control_m = scalar_or_nan(*run, schema::kScoreMControl);
    if (std::isnan(control_m) && run->has_attribute(schema::kControlIdentity)) {
      const std::string identity = run->string_attribute(schema::kControlIdentity);
      for (const auto& other : file.runs) {
        if (other.identity == identity) {
          control_m = control_m_at(other, run->has_attribute(schema::kCanaryLabel)
                                              ? run->int_attribute(schema::kCanaryLabel)
                                              : -1);
        }
      }
    }
    const double d = scalar_or_nan(*run, schema::kScoreM) - control_m;
    if (!std::isnan(d)) out.push_back(d);
  }
  return out;
}

const std::vector<PerCanaryTest>& per_canary_tests() {
  static const std::vector<PerCanaryTest> tests = {
      {"exposure", std::string(schema::kExposure) + schema::kExposurePSuffix, schema::kExposure},
      {"exposure (label unknown)", std::string(schema::kExposureUnknown) + schema::kExposurePSuffix,
       schema::kExposureUnknown},
      {"exposure vs control", std::string(schema::kExposureVsControl) + schema::kExposurePSuffix,
       schema::kExposureVsControl},
      {"exposure vs control (label unknown)", std::string(schema::kExposureVsControlUnknown) + schema::kExposurePSuffix,
       schema::kExposureVsControlUnknown},
      {kAuthorsTTest, schema::kScoreMTtestP, ""},
      {kAuthorsMannWhitney, schema::kScoreMMannWhitneyP, ""},
      {kProbabilityTTest, schema::kScoreMProbTtestP, ""},
      {kProbabilityUnknownTTest, schema::kScoreMProbUnknownP, ""},
  };
  return tests;
}

bool has_exposure(const ResultFile& file) {
  const std::string path = std::string(schema::kExposure) + schema::kExposurePSuffix;
  return std::any_of(file.runs.begin(), file.runs.end(), [&](const RunRecord& run) { return run.has_array(path); });
}

bool has_null_pairs(const ResultFile& file) {
  return std::any_of(file.runs.begin(), file.runs.end(),
                     [](const RunRecord& run) { return is_canary(run) && is_null_pair(run); });
}

}  // namespace ufm
