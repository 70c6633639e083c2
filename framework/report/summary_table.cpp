#include "report/summary_table.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

#include "core/text.h"
#include "core/statistics.h"
#include "report/per_canary_tests.h"
#include "report/settings.h"
#include "report/summary_statistics.h"
#include "storage/schema.h"

namespace ufm {
namespace {

double scalar(const RunRecord& run, const char* path) { return scalar_or_nan(run, path); }

std::int64_t nan_in(const std::vector<double>& values) {
  return std::count_if(values.begin(), values.end(), [](double v) { return std::isnan(v); });
}

// "0.6 (NaN: 1 of 10, not counted)" when some values are NaN.
std::string with_nan(const std::string& text, const std::vector<double>& values) {
  const std::int64_t nan = nan_in(values);
  if (nan == 0) return text;
  return text + " (NaN: " + std::to_string(nan) + " of " + std::to_string(values.size()) + ", not counted)";
}

// The headline verdict of one setting: the tests valid for its design, or why there is none.
std::string headline_verdict(const Setting& setting, const std::vector<double>& differences,
                             const CalibrationEvidence* evidence) {
  const SettingDesign design = design_of(entries_of(setting));
  if (setting.canaries.size() == 1) {
    return "one canary: no test across canaries (a verdict needs several independent pairs: "
           "canaries.pairing=independent)";
  }
  if (design.dependent) return kNoVerdictForSharedControl;
  if (!design.unpaired.empty()) return "no verdict: some comparisons are unpaired (see the runs table's pairing notes)";
  const std::vector<double> d = finite(differences);
  if (d.empty()) return "no verdict: no canary has a control in this file";
  const double sign = sign_or_nan(d).p_value;
  const double wilcoxon = wilcoxon_or_nan(d).p_value;
  const std::string unmeasured = "calibration not measured here (ufm run/report --calibration NULL_PAIRS.h5)";
  std::ostringstream out;
  out << "across " << d.size() << " independent pairs, H1: M − control > 0: sign test p = " << cell(sign, 3) << " ["
      << calibration_mark("sign test (M − control", evidence, unmeasured) << "]; Wilcoxon signed-rank p = "
      << cell(wilcoxon, 3) << " [" << calibration_mark("Wilcoxon (M − control", evidence, unmeasured) << "]";
  return out.str();
}

void write_setting_summary(std::ostream& out, const std::vector<std::string>& keys, const Setting& setting,
                           const CalibrationEvidence* evidence) {
  std::vector<double> m, m_draw_sd, p_t, p_mw, d, m2_d, accuracy, m_prob, p_prob, p_prob_unknown;
  std::size_t draws = 1;
  std::vector<std::string> duplicates;
  for (const CanaryEntry& entry : setting.canaries) {
    const RunRecord& run = *entry.run;
    m.push_back(entry.m_over_draws());
    m_draw_sd.push_back(entry.m_sd_over_draws());
    draws = std::max(draws, entry.m_draws.size());
    p_t.push_back(scalar(run, schema::kScoreMTtestP));
    p_mw.push_back(scalar(run, schema::kScoreMMannWhitneyP));
    if (run.has_array(schema::kScoreMProb)) {
      m_prob.push_back(scalar(run, schema::kScoreMProb));
      p_prob.push_back(scalar(run, schema::kScoreMProbTtestP));
      p_prob_unknown.push_back(scalar(run, schema::kScoreMProbUnknownP));
    }
    if (entry.control != nullptr || run.has_array(schema::kScoreMControl)) d.push_back(entry.difference());
    if (entry.control) m2_d.push_back(scalar(run, schema::kScoreM2) - scalar(*entry.control, schema::kScoreM2));
    accuracy.push_back(entry.test_accuracy);
    if (run.has_attribute(schema::kDuplicateOf)) {
      duplicates.push_back(std::to_string(entry.index) + " (run " + run.identity.substr(0, 8) + " repeats " +
                           run.string_attribute(schema::kDuplicateOf).substr(0, 8) + ")");
    }
  }
  const auto positive = [](double v) { return v > 0; };
  const auto significant = [](double v) { return v < 0.05; };
  const std::string draw_note = draws > 1 ? " (mean over " + std::to_string(draws) + " patch draws)" : "";
  out << "\n| summary: " << setting_label(keys, setting) << " (" << setting.canaries.size()
      << " canaries) | value |\n|---|---|\n";
  out << "| mean M" << draw_note << " | " << with_nan(cell(mean_of(m)), m) << " |\n";
  if (draws > 1) out << "| sd of M over patch draws (mean over canaries) | " << cell(mean_of(m_draw_sd)) << " |\n";
  out << "| fraction M > 0 | " << with_nan(cell(fraction_of(m, positive), 3), m) << " |\n";
  out << "| fraction p (t) < 0.05 † | " << with_nan(cell(fraction_of(p_t, significant), 3), p_t) << " |\n";
  out << "| fraction p (MW) < 0.05 † | " << with_nan(cell(fraction_of(p_mw, significant), 3), p_mw) << " |\n";
  if (!m_prob.empty()) {
    out << "| mean M_prob (2023 probability score) | " << with_nan(cell(mean_of(m_prob)), m_prob) << " |\n";
    out << "| fraction p (M_prob t) < 0.05 † | " << with_nan(cell(fraction_of(p_prob, significant), 3), p_prob) << " |\n";
    out << "| fraction p (M_prob t, label unknown, Bonferroni) < 0.05 † | "
        << with_nan(cell(fraction_of(p_prob_unknown, significant), 3), p_prob_unknown) << " |\n";
  }
  if (!d.empty()) {
    out << "| mean M − control (at the canary's label" << (draws > 1 ? ", averaged over draws" : "") << ") | "
        << with_nan(cell(mean_of(d)), d) << " |\n";
    out << "| fraction M − control > 0 | " << with_nan(cell(fraction_of(d, positive), 3), d) << " |\n";
    out << "| mean M2 − control | " << with_nan(cell(mean_of(m2_d)), m2_d) << " |\n";
  }
  out << "| mean test accuracy | " << with_nan(cell(mean_of(accuracy)), accuracy) << " |\n";
  if (!duplicates.empty()) {
    out << "| repeated canary indices | " << join(duplicates, ", ")
        << (shared_pairing(*setting.canaries.front().run) ? ": identical models under shared pairing, one observation"
                                                          : ": each still its own independent pair")
        << " |\n";
  }
  out << "| verdict | " << headline_verdict(setting, d, evidence) << " |\n";
}

}  // namespace

std::string markdown_summary(const ResultFile& file, const CalibrationEvidence* evidence) {
  std::vector<const RunRecord*> controls;
  for (const auto& run : file.runs) {
    if (is_control_record(run)) controls.push_back(&run);
  }
  auto order = [](const RunRecord* a, const RunRecord* b) {
    const auto key = [](const RunRecord* r) {
      return std::make_tuple(r->string_attribute(schema::kVaryingKeys), r->int_attribute(schema::kSeed),
                             r->int_attribute(schema::kCanaryIndex), r->identity);
    };
    return key(a) < key(b);
  };
  std::sort(controls.begin(), controls.end(), order);
  // One summary per sweep point: settings are never pooled.
  const std::vector<std::string> keys = varying_keys(file);
  const GroupedRuns grouped = group_runs(file, keys);
  std::vector<const CanaryEntry*> canaries;
  for (const Setting& setting : grouped.settings) {
    for (const CanaryEntry& entry : setting.canaries) canaries.push_back(&entry);
  }
  std::sort(canaries.begin(), canaries.end(),
            [&](const CanaryEntry* a, const CanaryEntry* b) { return order(a->run, b->run); });

  std::ostringstream out;
  out << "| run | seed | canary | label | epochs (best/run) | test acc | M | M − control | p (t) † | p (MW) † | M2 | "
         "M2 − control | M14 | M15 |\n";
  out << "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const RunRecord* control : controls) {
    const auto m = control->array(schema::kScoreM).as_doubles();
    out << "| " << control->identity.substr(0, 8) << " | " << control->int_attribute(schema::kSeed)
        << " | control | all | " << scalar(*control, schema::kBestEpoch) << "/" << scalar(*control, schema::kEpochsRun)
        << " | " << cell(scalar(*control, schema::kTestAccuracy)) << " | " << cell(mean_of(m)) << " (mean over labels) | "
        << " | | | " << cell(scalar(*control, schema::kScoreM2)) << " | | " << cell(scalar(*control, schema::kScoreM14))
        << " | " << cell(scalar(*control, schema::kScoreM15)) << " |\n";
  }
  std::vector<std::string> unpaired_notes;
  for (const CanaryEntry* entry : canaries) {
    const RunRecord& canary = *entry->run;
    const double m2 = scalar(canary, schema::kScoreM2);
    const double m2_difference = entry->control ? m2 - scalar(*entry->control, schema::kScoreM2) : std::nan("");
    std::string difference = cell(entry->difference());
    if (!entry->unpaired.empty()) {
      difference += " ‡";
      unpaired_notes.push_back(canary.identity.substr(0, 8) + ": " + entry->unpaired);
    }
    out << "| " << canary.identity.substr(0, 8) << " | " << canary.int_attribute(schema::kSeed) << " | "
        << entry->index << " | " << entry->label << " | " << scalar(canary, schema::kBestEpoch) << "/"
        << scalar(canary, schema::kEpochsRun) << " | " << cell(entry->test_accuracy) << " | " << cell(entry->m)
        << " | " << difference << " | " << cell(scalar(canary, schema::kScoreMTtestP), 3) << " | "
        << cell(scalar(canary, schema::kScoreMMannWhitneyP), 3) << " | " << cell(m2) << " | " << cell(m2_difference)
        << " | " << cell(scalar(canary, schema::kScoreM14)) << " | " << cell(scalar(canary, schema::kScoreM15))
        << " |\n";
  }
  if (!canaries.empty()) {
    out << "\n† per-model tests over probe images: the authors' t-test " << calibration_mark(kAuthorsTTest, evidence)
        << "; Mann–Whitney " << calibration_mark(kAuthorsMannWhitney, evidence);
    bool probability = false;
    for (const CanaryEntry* entry : canaries) probability = probability || entry->run->has_array(schema::kScoreMProb);
    if (probability) {
      out << "; the M_prob t-test " << calibration_mark(kProbabilityTTest, evidence) << "; label unknown "
          << calibration_mark(kProbabilityUnknownTTest, evidence);
    }
    out << ".\n";
  }
  if (!unpaired_notes.empty()) out << "‡ unpaired comparison: " << join(unpaired_notes, "; ") << ".\n";
  for (const Setting& setting : grouped.settings) write_setting_summary(out, keys, setting, evidence);
  bool unnormalised = false;
  for (const auto& run : file.runs) {
    if (run.has_attribute(schema::kOodNormalisedAttribute) && run.int_attribute(schema::kOodNormalisedAttribute) == 0) {
      unnormalised = true;
    }
  }
  if (unnormalised) {
    out << "\nWARNING: OOD images were left unnormalised (ood.normalise=false), reproducing a bug of the "
           "authors' code; these scores are not comparable with normalised ones.\n";
  }
  return out.str();
}

}  // namespace ufm
