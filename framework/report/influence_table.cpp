#include "report/influence_table.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/text.h"
#include "report/settings.h"
#include "report/summary_statistics.h"
#include "storage/schema.h"

namespace ufm {
namespace {

const std::vector<std::string> kGroupOrder = {"most_influential", "least_influential", "hardest", "easiest"};

bool is_influence_canary(const RunRecord& run) {
  return run.has_attribute(schema::kSelectionGroup) || run.has_attribute(schema::kSelfInfluenceRankBefore) ||
         run.has_attribute(schema::kSelfInfluenceRankAfter);
}

std::string group_of(const RunRecord& run) {
  if (run.has_attribute(schema::kSelectionGroup)) return run.string_attribute(schema::kSelectionGroup);
  return setting_value(run, "canaries.select").value_or("other");
}

double rank_or_nan(const RunRecord& run, const char* name) {
  return run.has_attribute(name) ? static_cast<double>(run.int_attribute(name)) : std::nan("");
}

std::string rank_cell(double rank) { return std::isnan(rank) ? "" : format_number(rank, 6); }


double median_of(std::vector<double> values) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }), values.end());
  if (values.empty()) return std::nan("");
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

std::size_t group_position(const std::string& group) {
  const auto found = std::find(kGroupOrder.begin(), kGroupOrder.end(), group);
  return static_cast<std::size_t>(found - kGroupOrder.begin());
}

}  // namespace

bool has_influence_runs(const ResultFile& file) {
  return std::any_of(file.runs.begin(), file.runs.end(), is_influence_canary);
}

Table influence_table(const ResultFile& file) {
  Table table;
  table.name = "influence";
  table.header = {"group", "canary", "label", "M", "M − control", "rank before", "rank after"};
  // Every canary with its control, as the other tables link them.
  const GroupedRuns all = group_runs(file, {});
  std::map<std::pair<std::size_t, std::string>, std::vector<const CanaryEntry*>> groups;
  for (const auto& setting : all.settings) {
    for (const auto& entry : setting.canaries) {
      if (!is_influence_canary(*entry.run)) continue;
      const std::string group = group_of(*entry.run);
      groups[{group_position(group), group}].push_back(&entry);
    }
  }
  for (auto& [key, entries] : groups) {
    std::stable_sort(entries.begin(), entries.end(), [](const CanaryEntry* a, const CanaryEntry* b) {
      const double ra = rank_or_nan(*a->run, schema::kSelfInfluenceRankBefore);
      const double rb = rank_or_nan(*b->run, schema::kSelfInfluenceRankBefore);
      if (ra != rb && !std::isnan(ra) && !std::isnan(rb)) return ra < rb;
      return a->index < b->index;
    });
    std::vector<double> m, d, before, after;
    for (const CanaryEntry* entry : entries) {
      m.push_back(entry->m);
      d.push_back(entry->difference());
      before.push_back(rank_or_nan(*entry->run, schema::kSelfInfluenceRankBefore));
      after.push_back(rank_or_nan(*entry->run, schema::kSelfInfluenceRankAfter));
      table.rows.push_back({key.second, std::to_string(entry->index), std::to_string(entry->label),
                            format_number(entry->m, 4), format_number(entry->difference(), 4),
                            rank_cell(before.back()), rank_cell(after.back())});
    }
    table.rows.push_back({key.second, "mean of " + std::to_string(entries.size()), "", format_number(mean_of(m), 4),
                          format_number(mean_of(d), 4), rank_cell(median_of(before)), rank_cell(median_of(after))});
  }
  return table;
}

}  // namespace ufm
