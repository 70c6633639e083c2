#include "report/report_tables.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "core/text.h"
#include "core/statistics.h"
#include "report/per_canary_tests.h"
#include "report/summary_statistics.h"
#include "report/test_validity.h"
#include "storage/schema.h"

namespace ufm {
namespace {




}  // namespace

Table settings_table(const GroupedRuns& grouped) {
  Table table;
  table.name = "settings";
  table.header = key_header(grouped.keys);
  for (const char* column : {"canaries", "controls", "NaN", "M mean", "M sd", "M sd over draws", "M > 0",
                             "p(t) < 0.05 (authors, not calibrated)", "M−control mean", "M−control sd", "p (sign)",
                             "p (Wilcoxon)", "p (t-test, not calibrated)", "test acc", "validity"}) {
    table.header.push_back(column);
  }
  for (const Setting& setting : grouped.settings) {
    std::vector<double> m, draw_sd, p, d, accuracy;
    std::int64_t nan = 0;
    for (const CanaryEntry& canary : setting.canaries) {
      m.push_back(canary.m_over_draws());
      draw_sd.push_back(canary.m_sd_over_draws());
      p.push_back(canary.p_t);
      d.push_back(canary.difference());
      accuracy.push_back(canary.test_accuracy);
      nan += (std::isnan(canary.m) || (canary.control != nullptr && std::isnan(canary.difference()))) ? 1 : 0;
    }
    const SettingDesign design = design_of(entries_of(setting));
    m = finite(m);
    draw_sd = finite(draw_sd);
    p = finite(p);
    d = finite(d);
    accuracy = finite(accuracy);
    // Under shared pairing the canaries share one seed and one control: a test across them
    // is pseudo-replication, so no p-value is printed (the spread stays, descriptive).
    const bool testable = design.testable();
    const TestResult sign = testable ? sign_or_nan(d) : TestResult{std::nan(""), std::nan("")};
    const TestResult w = testable ? wilcoxon_or_nan(d) : TestResult{std::nan(""), std::nan("")};
    const TestResult t = testable ? one_sample_t_test_greater(d) : TestResult{std::nan(""), std::nan("")};
    std::vector<std::string> notes;
    if (design.dependent) notes.push_back(std::string(kDependentCanaries) + ": M−control spread is descriptive");
    if (!design.unpaired.empty()) notes.push_back(design.unpaired);
    std::vector<std::string> row = key_cells(grouped, setting);
    const std::vector<std::string> numbers = {
        std::to_string(setting.canaries.size()),
        std::to_string(setting.controls.size()),
        std::to_string(nan),
        cell(mean_of(m)),
        cell(sample_sd(m)),
        draw_sd.empty() ? "" : cell(mean_of(draw_sd)),
        cell(fraction_of(m, [](double v) { return v > 0; }), 3),
        cell(fraction_of(p, [](double v) { return v < 0.05; }), 3),
        cell(mean_of(d)),
        cell(sample_sd(d)),
        testable ? cell(sign.p_value, 3) : "",
        testable ? cell(w.p_value, 3) : "",
        testable ? cell(t.p_value, 3) : "",
        cell(mean_of(accuracy)),
        join(notes, "; "),
    };
    row.insert(row.end(), numbers.begin(), numbers.end());
    table.rows.push_back(std::move(row));
  }
  return table;
}

Table seed_table(const GroupedRuns& grouped) {
  Table table;
  table.name = "seeds";
  table.header = key_header(grouped.keys);
  for (const char* column : {"canary", "label", "seeds", "M mean", "M sd", "M min", "M max", "M−control mean",
                             "M−control sd", "M−control min", "M−control max"}) {
    table.header.push_back(column);
  }
  const auto spread = [](std::vector<double> values, std::vector<std::string>& row) {
    values = finite(values);
    const bool any = !values.empty();
    row.push_back(cell(mean_of(values)));
    row.push_back(cell(sample_sd(values)));
    row.push_back(cell(any ? *std::min_element(values.begin(), values.end()) : std::nan("")));
    row.push_back(cell(any ? *std::max_element(values.begin(), values.end()) : std::nan("")));
  };
  for (const Setting& setting : grouped.settings) {
    // Canaries are sorted by index, then seed: each index is one contiguous block.
    for (std::size_t begin = 0; begin < setting.canaries.size();) {
      std::size_t end = begin;
      std::vector<double> m, d;
      while (end < setting.canaries.size() && setting.canaries[end].index == setting.canaries[begin].index) {
        m.push_back(setting.canaries[end].m);
        d.push_back(setting.canaries[end].difference());
        ++end;
      }
      std::vector<std::string> row = key_cells(grouped, setting);
      row.push_back(std::to_string(setting.canaries[begin].index));
      row.push_back(std::to_string(setting.canaries[begin].label));
      row.push_back(std::to_string(end - begin));
      spread(m, row);
      spread(d, row);
      table.rows.push_back(std::move(row));
      begin = end;
    }
  }
  return table;
}

Table run_table(const ResultFile& file) {
  std::map<std::string, const RunRecord*> by_identity;
  std::vector<const RunRecord*> controls, canaries;
  for (const auto& run : file.runs) {
    by_identity[run.identity] = &run;
    if (is_one_run_record(run) || is_unlearning_record(run)) continue;  // the one_run and unlearning tables'
    (is_control_record(run) ? controls : canaries).push_back(&run);
  }
  const auto order = [](const RunRecord* a, const RunRecord* b) {
    const auto key = [](const RunRecord* r) {
      return std::make_tuple(attribute_text(*r, schema::kVaryingKeys),
                             r->has_attribute(schema::kSeed) ? r->int_attribute(schema::kSeed) : 0,
                             r->has_attribute(schema::kCanaryIndex) ? r->int_attribute(schema::kCanaryIndex) : -1,
                             r->identity);
    };
    return key(a) < key(b);
  };
  std::sort(controls.begin(), controls.end(), order);
  std::sort(canaries.begin(), canaries.end(), order);

  // The canaries' paired comparisons, as every other table computes them.
  const GroupedRuns grouped = group_runs(file, {});
  std::map<std::string, const CanaryEntry*> entries;
  for (const Setting& setting : grouped.settings) {
    for (const CanaryEntry& entry : setting.canaries) entries[entry.run->identity] = &entry;
  }
  Table table;
  table.name = "runs";
  table.header = {"run",  "settings",      "seed",  "canary", "label", "best epoch", "epochs run", "test acc",
                  "M",    "M − control",   "p (t, authors, not calibrated)", "p (MW, authors, not calibrated)",
                  "M2",   "M2 − control", "M14", "M15", "M_prob", "p (M_prob t, not calibrated)",
                  "p (M_prob t, label unknown, Bonferroni, not calibrated)", "pairing note"};
  const auto common = [](const RunRecord& run) {
    return std::vector<std::string>{run.identity, attribute_text(run, schema::kVaryingKeys),
                                    attribute_text(run, schema::kSeed)};
  };
  const auto epochs = [](const RunRecord& run, std::vector<std::string>& row) {
    row.push_back(cell(scalar_or_nan(run, schema::kBestEpoch), 6));
    row.push_back(cell(scalar_or_nan(run, schema::kEpochsRun), 6));
    row.push_back(cell(scalar_or_nan(run, schema::kTestAccuracy)));
  };
  for (const RunRecord* control : controls) {
    std::vector<std::string> row = common(*control);
    row.push_back("control");
    row.push_back("all");
    epochs(*control, row);
    std::vector<double> m;
    if (control->has_array(schema::kScoreM)) m = finite(control->array(schema::kScoreM).as_doubles());
    row.push_back(cell(mean_of(m)));
    row.insert(row.end(), {"", "", ""});
    row.push_back(cell(scalar_or_nan(*control, schema::kScoreM2)));
    row.push_back("");
    row.push_back(cell(scalar_or_nan(*control, schema::kScoreM14)));
    row.push_back(cell(scalar_or_nan(*control, schema::kScoreM15)));
    std::vector<double> m_prob;
    if (control->has_array(schema::kScoreMProb)) m_prob = finite(control->array(schema::kScoreMProb).as_doubles());
    row.push_back(cell(mean_of(m_prob)));
    row.push_back("");
    row.push_back(cell(scalar_or_nan(*control, schema::kScoreMProbUnknownP), 3));
    row.push_back("");
    table.rows.push_back(std::move(row));
  }
  for (const RunRecord* canary : canaries) {
    const std::int64_t label =
        canary->has_attribute(schema::kCanaryLabel) ? canary->int_attribute(schema::kCanaryLabel) : -1;
    const RunRecord* control = nullptr;
    if (canary->has_attribute(schema::kControlIdentity)) {
      const auto found = by_identity.find(canary->string_attribute(schema::kControlIdentity));
      if (found != by_identity.end()) control = found->second;
    }
    const double m = scalar_or_nan(*canary, schema::kScoreM);
    const double m2 = scalar_or_nan(*canary, schema::kScoreM2);
    std::vector<std::string> row = common(*canary);
    row.push_back(attribute_text(*canary, schema::kCanaryIndex));
    row.push_back(std::to_string(label));
    epochs(*canary, row);
    row.push_back(cell(m));
    const auto entry = entries.find(canary->identity);
    row.push_back(cell(entry != entries.end() ? entry->second->difference() : std::nan("")));
    row.push_back(cell(scalar_or_nan(*canary, schema::kScoreMTtestP), 3));
    row.push_back(cell(scalar_or_nan(*canary, schema::kScoreMMannWhitneyP), 3));
    row.push_back(cell(m2));
    row.push_back(cell(control ? m2 - scalar_or_nan(*control, schema::kScoreM2) : std::nan("")));
    row.push_back(cell(scalar_or_nan(*canary, schema::kScoreM14)));
    row.push_back(cell(scalar_or_nan(*canary, schema::kScoreM15)));
    row.push_back(cell(scalar_or_nan(*canary, schema::kScoreMProb)));
    row.push_back(cell(scalar_or_nan(*canary, schema::kScoreMProbTtestP), 3));
    row.push_back(cell(scalar_or_nan(*canary, schema::kScoreMProbUnknownP), 3));
    row.push_back(entry != entries.end() && !entry->second->unpaired.empty() ? "unpaired: " + entry->second->unpaired
                                                                              : "");
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace ufm
