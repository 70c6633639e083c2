#include "report/verdicts.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "features/canary_selection.h"
#include "core/error.h"
#include "core/text.h"
#include "core/statistics.h"
#include "report/calibration.h"
#include "report/per_canary_tests.h"
#include "storage/schema.h"

namespace ufm {
namespace {

constexpr double kAlpha = 0.05;

}  // namespace

namespace {

// s(π) of the canary minus its control's for the feature (element 0) and the mean over the
// candidates, from the saved candidate scores (evaluation.save_candidate_scores); NaN
// without them. The same per-feature effect of stamping the one_run table reads against a
// run's null twin, at m = 1.
std::pair<double, double> stamping_effect(const RunRecord& canary) {
  if (!canary.has_array(schema::kCandidateScores) || !canary.has_array(schema::kCandidateScoresControl)) {
    return {std::nan(""), std::nan("")};
  }
  const std::vector<double> own = canary.array(schema::kCandidateScores).as_doubles();
  const std::vector<double> control = canary.array(schema::kCandidateScoresControl).as_doubles();
  double sum = 0.0;
  std::size_t n = 0;
  for (std::size_t c = 1; c < own.size() && c < control.size(); ++c) {
    if (std::isnan(own[c]) || std::isnan(control[c])) continue;
    sum += own[c] - control[c];
    ++n;
  }
  return {own.at(0) - control.at(0), n == 0 ? std::nan("") : sum / static_cast<double>(n)};
}

}  // namespace

Table exposure_table(const GroupedRuns& grouped) {
  Table table;
  table.name = "exposure";
  table.header = key_header(grouped.keys);
  for (const char* column : {"run", "pair", "canary", "label", "pairing"}) table.header.push_back(column);
  std::vector<const PerCanaryTest*> tests;
  for (const auto& test : per_canary_tests()) {
    if (test.exposure_path.empty()) continue;
    tests.push_back(&test);
    table.header.push_back(test.name + " (bits)");
    table.header.push_back("p " + test.name);
  }
  table.header.push_back("M − control");
  // Only files that saved candidate scores get the effect columns (older reports unchanged).
  bool effects = false;
  for (const Setting& setting : grouped.settings) {
    for (const CanaryEntry& entry : setting.canaries) effects = effects || !std::isnan(stamping_effect(*entry.run).first);
  }
  if (effects) {
    table.header.push_back("effect stamped");
    table.header.push_back("effect not stamped");
  }
  table.header.push_back("validity");
  for (const Setting& setting : grouped.settings) {
    std::vector<const CanaryEntry*> entries;
    for (const CanaryEntry& entry : setting.canaries) {
      if (entry.run->has_array(tests.front()->path)) entries.push_back(&entry);
    }
    std::sort(entries.begin(), entries.end(), [](const CanaryEntry* a, const CanaryEntry* b) {
      return std::make_pair(pair_key(*a->run), a->run->identity) < std::make_pair(pair_key(*b->run), b->run->identity);
    });
    for (const CanaryEntry* entry : entries) {
      std::vector<std::string> row = key_cells(grouped, setting);
      row.push_back(entry->run->identity);
      row.push_back(std::to_string(pair_key(*entry->run)));
      row.push_back(std::to_string(entry->index));
      row.push_back(std::to_string(entry->label));
      row.push_back(shared_pairing(*entry->run) ? kPairingShared : kPairingIndependent);
      for (const PerCanaryTest* test : tests) {
        row.push_back(cell(scalar_or_nan(*entry->run, test->exposure_path.c_str()), 3));
        row.push_back(cell(scalar_or_nan(*entry->run, test->path.c_str()), 3));
      }
      row.push_back(cell(entry->difference()));
      if (effects) {
        const auto [stamped, other] = stamping_effect(*entry->run);
        row.push_back(cell(stamped, 3));
        row.push_back(cell(other, 3));
      }
      std::vector<std::string> notes;
      const std::string descriptive = exposure_descriptive_reason(*entry->run);
      if (!descriptive.empty()) notes.push_back("descriptive: " + descriptive);
      if (!entry->unpaired.empty()) notes.push_back("unpaired: " + entry->unpaired);
      row.push_back(join(notes, "; "));
      table.rows.push_back(std::move(row));
    }
  }
  return table;
}

namespace {

// The validity notes of one row: design first (shared control, descriptive exposure,
// unpaired comparisons), then what the null pairs measured for the test.
std::string validity_of(bool dependent, const std::string& descriptive, const std::string& unpaired,
                        const std::string& calibration) {
  std::vector<std::string> notes;
  if (dependent) notes.push_back(kDependentCanaries);
  if (!descriptive.empty()) notes.push_back("descriptive: " + descriptive);
  if (!unpaired.empty()) notes.push_back(unpaired);
  if (!calibration.empty()) notes.push_back(calibration);
  return join(notes, "; ");
}


std::int64_t nan_differences(const std::vector<const CanaryEntry*>& entries) {
  std::int64_t nan = 0;
  for (const CanaryEntry* entry : entries) nan += std::isnan(entry->difference()) ? 1 : 0;
  return nan;
}

}  // namespace

void check_pooled_verdicts_possible(const GroupedRuns& grouped, const std::string& table) {
  if (grouped.settings.empty()) return;
  for (const Setting& setting : grouped.settings) {
    for (const CanaryEntry& entry : setting.canaries) {
      if (!shared_pairing(*entry.run)) return;
    }
  }
  throw ConfigError("--table " + table + ": setting '" + setting_label(grouped.keys, grouped.settings.front()) +
                    "' has one shared control (canaries.pairing=shared), so no pooled verdict is valid for it; "
                    "train with canaries.pairing=independent");
}

Table verdict_table(const GroupedRuns& grouped, const ResultFile& file, const ResultFile* null_pairs) {
  // The null pairs' measurements: from the calibration file given, else from this file's
  // own null pairs, where it has any.
  const CalibrationEvidence evidence = calibration_evidence(null_pairs != nullptr ? *null_pairs : file, "");
  auto calibration_note = [&](const std::string& test) -> std::string {
    const Calibration* c = evidence.find(test);
    return c == nullptr ? "" : calibration_phrase(*c);
  };
  auto measured_rate = [&](const std::string& test) -> std::string {
    const Calibration* c = evidence.find(test);
    return c == nullptr ? "" : cell(c->rates.front(), 3) + " of " + std::to_string(c->pairs);
  };
  Table table;
  table.name = "verdicts";
  table.header = key_header(grouped.keys);
  for (const char* column : {"test", "canaries", "NaN", "exposure mean (bits)", "p < 0.05", "expected", "binomial p",
                             "Fisher p", "Stouffer p", "sign p", "Wilcoxon p", "null-pair FPR at 0.05", "validity"}) {
    table.header.push_back(column);
  }
  for (const Setting& setting : grouped.settings) {
    const SettingDesign design = design_of(entries_of(setting));
    for (const auto& test : per_canary_tests()) {
      const std::vector<double> p = values_of(design.runs, test.path);
      const std::int64_t nan_p = nan_count(design.runs, test.path);
      if (p.empty() && nan_p == 0) continue;
      const auto n = static_cast<std::int64_t>(p.size());
      const std::int64_t hits = count_below(p, kAlpha);
      const bool exposure = !test.exposure_path.empty();
      std::vector<std::string> row = key_cells(grouped, setting);
      const std::vector<std::string> cells = {
          test.name,
          std::to_string(n),
          std::to_string(nan_p),
          exposure ? cell(mean_of(values_of(design.runs, test.exposure_path)), 3) : "",
          std::to_string(hits),
          cell(kAlpha * static_cast<double>(n), 3),
          cell(binomial_test_greater(hits, n, kAlpha).p_value, 3),
          cell(fisher_or_nan(p).p_value, 3),
          cell(stouffer_or_nan(stouffer_values_of(design.runs, test)).p_value, 3),
          "",
          "",
          measured_rate(test.name),
          validity_of(design.dependent, exposure ? design.descriptive : "",
                      test.path.find("vs_control") != std::string::npos ? design.unpaired : "",
                      exposure || evidence.find(test.name) ? calibration_note(test.name) : "not calibrated"),
      };
      row.insert(row.end(), cells.begin(), cells.end());
      table.rows.push_back(std::move(row));
    }
    const std::vector<double> d = differences(design.entries);
    const std::int64_t nan_d = nan_differences(design.entries);
    if (!d.empty() || nan_d > 0) {
      std::vector<std::string> row = key_cells(grouped, setting);
      const std::string sign_note = calibration_note("sign test (M − control");
      const std::string wilcoxon_note = calibration_note("Wilcoxon (M − control");
      std::string calibration;
      if (!sign_note.empty()) calibration = "sign: " + sign_note;
      if (!wilcoxon_note.empty()) calibration += (calibration.empty() ? "" : "; ") + ("Wilcoxon: " + wilcoxon_note);
      const std::vector<std::string> cells = {
          "M − control",
          std::to_string(d.size()),
          std::to_string(nan_d),
          "",
          "",
          "",
          "",
          "",
          "",
          cell(sign_or_nan(d).p_value, 3),
          cell(wilcoxon_or_nan(d).p_value, 3),
          "",
          validity_of(design.dependent, "", design.unpaired, calibration),
      };
      row.insert(row.end(), cells.begin(), cells.end());
      table.rows.push_back(std::move(row));
    }
  }
  return table;
}

namespace {

// Non-null canaries of a setting ordered by pair key, so "the first n" are the first n pairs.
std::vector<const CanaryEntry*> power_canaries(const Setting& setting) {
  std::vector<const CanaryEntry*> out;
  for (const CanaryEntry& entry : setting.canaries) {
    if (!is_null_pair(*entry.run)) out.push_back(&entry);
  }
  std::sort(out.begin(), out.end(), [](const CanaryEntry* a, const CanaryEntry* b) {
    return std::make_pair(pair_key(*a->run), a->run->identity) < std::make_pair(pair_key(*b->run), b->run->identity);
  });
  return out;
}

std::vector<std::int64_t> power_sizes(std::int64_t available, const std::vector<std::int64_t>& sizes) {
  std::vector<std::int64_t> out;
  for (std::int64_t n : sizes) {
    if (n <= available) out.push_back(n);
  }
  if (available > 0 && std::find(out.begin(), out.end(), available) == out.end()) out.push_back(available);
  return out;
}

}  // namespace

Table power_table(const GroupedRuns& grouped, const std::vector<std::int64_t>& sizes) {
  Table table;
  table.name = "power";
  table.header = key_header(grouped.keys);
  for (const char* column :
       {"pairs", "test", "detected", "Fisher p", "Stouffer p", "sign p", "Wilcoxon p", "validity"}) {
    table.header.push_back(column);
  }
  for (const Setting& setting : grouped.settings) {
    const std::vector<const CanaryEntry*> canaries = power_canaries(setting);
    for (std::int64_t n : power_sizes(static_cast<std::int64_t>(canaries.size()), sizes)) {
      const std::vector<const CanaryEntry*> first(canaries.begin(), canaries.begin() + n);
      const SettingDesign design = design_of(first);
      const std::vector<const RunRecord*>& runs = design.runs;
      for (const auto& test : per_canary_tests()) {
        const std::vector<double> p = values_of(runs, test.path);
        if (p.empty()) continue;
        const bool exposure = !test.exposure_path.empty();
        std::vector<std::string> row = key_cells(grouped, setting);
        const std::vector<std::string> cells = {
            std::to_string(n),
            test.name,
            cell(static_cast<double>(count_below(p, kAlpha)) / static_cast<double>(p.size()), 3),
            cell(fisher_or_nan(p).p_value, 3),
            cell(stouffer_or_nan(stouffer_values_of(runs, test)).p_value, 3),
            "",
            "",
            validity_of(design.dependent, exposure ? design.descriptive : "",
                        test.path.find("vs_control") != std::string::npos ? design.unpaired : "",
                        exposure ? "" : "not calibrated")};
        row.insert(row.end(), cells.begin(), cells.end());
        table.rows.push_back(std::move(row));
      }
      const std::vector<double> d = differences(first);
      if (d.empty()) continue;
      std::vector<std::string> row = key_cells(grouped, setting);
      const std::vector<std::string> cells = {
          std::to_string(n),
          "M − control",
          cell(static_cast<double>(std::count_if(d.begin(), d.end(), [](double v) { return v > 0; })) /
                   static_cast<double>(d.size()),
               3),
          "",
          "",
          cell(sign_or_nan(d).p_value, 3),
          cell(wilcoxon_or_nan(d).p_value, 3),
          validity_of(design.dependent, "", design.unpaired, "")};
      row.insert(row.end(), cells.begin(), cells.end());
      table.rows.push_back(std::move(row));
    }
  }
  return table;
}

}  // namespace ufm
