#include "report/comparison.h"

#include "config/stored_settings.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <numeric>
#include <set>

#include "core/statistics.h"
#include "report/per_canary_tests.h"
#include "report/settings.h"
#include "report/summary_statistics.h"
#include "report/test_validity.h"
#include "storage/schema.h"

namespace ufm {
namespace {

bool is_trained_pair(const RunRecord& run) { return is_control_record(run) || is_canary_record(run); }

// Role, seed, canary index and swept values: what makes two trainings of the two files
// the same training but for the changed settings.
std::string match_key(const RunRecord& run) {
  return std::string(is_control_record(run) ? "control" : "canary") + "|" + attribute_text(run, schema::kSeed) + "|" +
         attribute_text(run, schema::kCanaryIndex) + "|" + attribute_text(run, schema::kVaryingKeys);
}

double epoch_seconds(const RunRecord& run) {
  if (!run.has_array(schema::kEpochSeconds)) return std::nan("");
  return mean_of(run.array(schema::kEpochSeconds).as_doubles());
}

double model_seconds(const RunRecord& run) {
  if (!run.has_array(schema::kEpochSeconds)) return std::nan("");
  const std::vector<double> seconds = finite(run.array(schema::kEpochSeconds).as_doubles());
  return std::accumulate(seconds.begin(), seconds.end(), 0.0);
}

// Each canary's M − control (report/settings.h), by identity.
std::map<std::string, double> differences_by_identity(const ResultFile& file) {
  std::map<std::string, double> out;
  for (const Setting& setting : group_runs(file, {}).settings) {
    for (const CanaryEntry& entry : setting.canaries) out[entry.run->identity] = entry.difference();
  }
  return out;
}

// A p-value as Stouffer's z, Φ⁻¹(1 − p) (Stouffer et al. 1949), exposure ranks randomised
// within their cell (stouffer_ready_p), p held in [1e-12, 1 − 1e-12] so that the t-tests'
// p = 0 and the ranks' p = 1 give finite shifts.
double evidence_z(const RunRecord& canary, const std::string& path, double p) {
  const double ready = stouffer_ready_p(canary, path, p);
  return normal_isf(std::clamp(ready, 1e-12, 1.0 - 1e-12));
}

}  // namespace

std::vector<std::string> changed_settings(const ResultFile& base, const ResultFile& other) {
  const std::string a = attribute_text(base.attributes, schema::kExperimentConfig);
  const std::string b = attribute_text(other.attributes, schema::kExperimentConfig);
  const FlatSettings sa = flatten_config_yaml(a, "the first file's config"), sb = flatten_config_yaml(b, "the second file's config");
  std::vector<std::string> keys;
  std::set<std::string> seen;
  for (const FlatSettings* settings : {&sa, &sb}) {
    for (const auto& item : *settings) {
      if (seen.insert(item.first).second) keys.push_back(item.first);
    }
  }
  std::vector<std::string> changed;
  for (const std::string& key : keys) {
    if (key.rfind("output.", 0) == 0 || key.rfind("execution.", 0) == 0) continue;
    const std::string* found_a = find_setting(sa, key);
    const std::string* found_b = find_setting(sb, key);
    const std::string va = found_a ? *found_a : "(default)";
    const std::string vb = found_b ? *found_b : "(default)";
    if (va != vb) changed.push_back(key + ": " + va + " → " + vb);
  }
  return changed;
}

std::vector<MatchedRun> match_runs(const ResultFile& base, const ResultFile& other, std::size_t* unmatched) {
  std::map<std::string, const RunRecord*> by_key;
  std::size_t others = 0;
  for (const RunRecord& run : other.runs) {
    if (!is_trained_pair(run)) continue;
    by_key[match_key(run)] = &run;
    ++others;
  }
  std::vector<MatchedRun> matched;
  std::size_t bases = 0;
  for (const RunRecord& run : base.runs) {
    if (!is_trained_pair(run)) continue;
    ++bases;
    const auto it = by_key.find(match_key(run));
    if (it != by_key.end()) matched.push_back(MatchedRun{&run, it->second});
  }
  if (unmatched) *unmatched = bases + others - 2 * matched.size();
  return matched;
}

Table paired_runs_table(const ResultFile& base, const ResultFile& other) {
  Table table{"paired_runs",
              {"quantity", "models", "base mean", "other mean", "other − base [95 % CI]", "other / base"},
              {}};
  const std::vector<MatchedRun> matched = match_runs(base, other);
  const std::map<std::string, double> base_differences = differences_by_identity(base);
  const std::map<std::string, double> other_differences = differences_by_identity(other);
  struct Quantity {
    std::string name;
    bool canaries_only;
    bool ratio;
    std::function<double(const RunRecord&, const std::map<std::string, double>&)> value;
  };
  const std::vector<Quantity> quantities = {
      {"test accuracy", false, false,
       [](const RunRecord& r, const auto&) { return scalar_or_nan(r, schema::kTestAccuracy); }},
      {"best epoch", false, false, [](const RunRecord& r, const auto&) { return scalar_or_nan(r, schema::kBestEpoch); }},
      {"epochs trained", false, false,
       [](const RunRecord& r, const auto&) { return scalar_or_nan(r, schema::kEpochsRun); }},
      {"seconds per epoch", false, true, [](const RunRecord& r, const auto&) { return epoch_seconds(r); }},
      {"seconds per model (training)", false, true,
       [](const RunRecord& r, const auto&) { return model_seconds(r); }},
      {"M (canaries)", true, false, [](const RunRecord& r, const auto&) { return scalar_or_nan(r, schema::kScoreM); }},
      {"M − control (canaries)", true, false,
       [](const RunRecord& r, const std::map<std::string, double>& d) {
         const auto it = d.find(r.identity);
         return it == d.end() ? std::nan("") : it->second;
       }},
  };
  for (const Quantity& q : quantities) {
    std::vector<double> a, b, change;
    for (const MatchedRun& m : matched) {
      if (q.canaries_only && !is_canary_record(*m.base)) continue;
      const double va = q.value(*m.base, base_differences), vb = q.value(*m.other, other_differences);
      if (!std::isfinite(va) || !std::isfinite(vb)) continue;
      a.push_back(va);
      b.push_back(vb);
      change.push_back(vb - va);
    }
    if (change.empty()) continue;
    const double ratio = mean_of(b) / mean_of(a);
    table.rows.push_back({q.name, std::to_string(change.size()), cell(mean_of(a)), cell(mean_of(b)),
                          interval_cell(mean_interval(change)), q.ratio ? cell(ratio, 3) : ""});
  }
  return table;
}

double mcnemar_exact_p(std::int64_t only_base, std::int64_t only_other) {
  const std::int64_t discordant = only_base + only_other;
  if (discordant == 0) return 1.0;
  const double tail = binomial_test_greater(std::max(only_base, only_other), discordant, 0.5).p_value;
  return std::min(1.0, 2.0 * tail);
}

Table verdict_changes_table(const ResultFile& base, const ResultFile& other, const std::vector<double>& alphas) {
  Table table{"verdict_changes",
              {"test", "canaries", "kind", "α", "reject (base)", "reject (other)", "base only", "other only",
               "McNemar p", "z shift [95 % CI]"},
              {}};
  std::vector<MatchedRun> canaries;
  for (const MatchedRun& m : match_runs(base, other)) {
    if (is_canary_record(*m.base)) canaries.push_back(m);
  }
  for (const PerCanaryTest& test : per_canary_tests()) {
    std::vector<std::pair<double, double>> p;
    std::vector<double> z_shift;
    bool null_pairs = true;
    for (const MatchedRun& m : canaries) {
      const double pa = scalar_or_nan(*m.base, test.path.c_str()), pb = scalar_or_nan(*m.other, test.path.c_str());
      if (!std::isfinite(pa) || !std::isfinite(pb)) continue;
      p.emplace_back(pa, pb);
      z_shift.push_back(evidence_z(*m.other, test.path, pb) - evidence_z(*m.base, test.path, pa));
      null_pairs = null_pairs && is_null_pair(*m.base);
    }
    if (p.empty()) continue;
    const std::string shift = interval_cell(mean_interval(z_shift));
    for (double alpha : alphas) {
      std::int64_t ra = 0, rb = 0, only_a = 0, only_b = 0;
      for (const auto& [pa, pb] : p) {
        ra += pa < alpha;
        rb += pb < alpha;
        only_a += pa < alpha && !(pb < alpha);
        only_b += pb < alpha && !(pa < alpha);
      }
      table.rows.push_back({test.name, std::to_string(p.size()), null_pairs ? "null pairs (false positives)" : "detections",
                            cell(alpha, 3), std::to_string(ra), std::to_string(rb), std::to_string(only_a),
                            std::to_string(only_b), cell(mcnemar_exact_p(only_a, only_b), 3), shift});
    }
  }
  return table;
}

}  // namespace ufm
