#include "report/privacy_table.h"

#include "core/text.h"
#include "storage/schema.h"

namespace ufm {

bool has_private_runs(const ResultFile& file) {
  for (const auto& run : file.runs) {
    if (run.has_attribute(schema::kPrivacyEpsilon)) return true;
  }
  return false;
}

Table privacy_table(const GroupedRuns& grouped) {
  Table table;
  table.name = "privacy";
  table.header = grouped.keys.empty() ? std::vector<std::string>{"setting"} : grouped.keys;
  for (const char* column : {"pairs", "sigma", "q", "steps", "epsilon (delta)", "epsilon PLD", "epsilon RDP",
                             "PLD add/remove bracket", "PLD replace bracket", "mu", "mu (CLT approx.)", "relation",
                             "guarantee", "test acc"}) {
    table.header.push_back(column);
  }
  for (const Setting& setting : grouped.settings) {
    std::vector<std::string> row = grouped.keys.empty() ? std::vector<std::string>{"all runs"} : setting.values;
    row.push_back(std::to_string(setting.canaries.size()));
    double accuracy = 0.0;
    for (const CanaryEntry& canary : setting.canaries) accuracy += canary.test_accuracy;
    const RunRecord* first = setting.canaries.empty() ? nullptr : setting.canaries.front().run;
    if (first != nullptr && first->has_attribute(schema::kPrivacyEpsilon)) {
      row.push_back(format_number(first->double_attribute(schema::kPrivacyNoiseMultiplier)));
      row.push_back(format_number(first->double_attribute(schema::kPrivacySamplingRate)));
      row.push_back(std::to_string(first->int_attribute(schema::kPrivacyStepsPlanned)));
      row.push_back(format_number(first->double_attribute(schema::kPrivacyEpsilon)) + " (" +
                    format_number(first->double_attribute(schema::kPrivacyDelta)) + ")");
      const bool has_pld = first->has_attribute(schema::kPrivacyEpsilonPld);  // files before the PLD accountant
      row.push_back(has_pld ? format_number(first->double_attribute(schema::kPrivacyEpsilonPld)) : "not run");
      row.push_back(format_number(first->double_attribute(
          has_pld ? schema::kPrivacyEpsilonRdp : schema::kPrivacyEpsilon)));
      row.push_back(has_pld ? "[" + format_number(first->double_attribute(schema::kPrivacyEpsilonAddRemovePldLower)) +
                                  ", " + format_number(first->double_attribute(schema::kPrivacyEpsilonAddRemovePld)) + "]"
                            : "");
      // Files before the substitution accountant derived replace-one by group privacy alone.
      const bool has_substitution = first->has_attribute(schema::kPrivacyEpsilonReplacePld);
      row.push_back(has_substitution
                        ? "[" + format_number(first->double_attribute(schema::kPrivacyEpsilonReplacePldLower)) + ", " +
                              format_number(first->double_attribute(schema::kPrivacyEpsilonReplacePld)) + "]"
                        : "");
      row.push_back(format_number(first->double_attribute(schema::kPrivacyMu)));
      row.push_back(format_number(first->double_attribute(schema::kPrivacyMuClt)));
      row.push_back(first->string_attribute(schema::kPrivacyNeighbouring));
      row.push_back(first->string_attribute(schema::kPrivacyValidity));
    } else {
      for (int i = 0; i < 12; ++i) row.push_back(i == 0 ? "not private" : "");
    }
    row.push_back(setting.canaries.empty() ? "" : format_number(accuracy / static_cast<double>(setting.canaries.size())));
    table.rows.push_back(row);
  }
  return table;
}

}  // namespace ufm
