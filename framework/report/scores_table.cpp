#include "report/scores_table.h"

#include <algorithm>

#include "report/summary_statistics.h"
#include "scoring/scorer_registry.h"

namespace ufm {
namespace {

struct DeclaredScalar {
  std::string scorer;
  ScoreOutput output;
};

// The outputs that are one number on a canary, in registry order.
std::vector<DeclaredScalar> canary_scalars() {
  std::vector<DeclaredScalar> out;
  for (const std::string& name : scorer_registry().names()) {
    for (const ScoreOutput& output : scorer_registry().create(name)->outputs()) {
      if (output.canary_axes.empty()) out.push_back({name, output});
    }
  }
  return out;
}

std::vector<double> stored_values(const Setting& setting, const std::string& path) {
  std::vector<double> values;
  for (const CanaryEntry& entry : setting.canaries) {
    if (entry.run->has_array(path)) values.push_back(entry.run->array(path).as_doubles().front());
  }
  return values;
}

}  // namespace

Table scores_table(const GroupedRuns& grouped) {
  Table table;
  table.name = "scores";
  table.header = key_header(grouped.keys);
  for (const char* column : {"scorer", "output", "canaries", "mean [95% CI]", "min", "max", "what it is"}) {
    table.header.push_back(column);
  }
  const std::vector<DeclaredScalar> declared = canary_scalars();
  for (const Setting& setting : grouped.settings) {
    for (const DeclaredScalar& scalar : declared) {
      const std::vector<double> values = stored_values(setting, scalar.output.path);
      if (values.empty()) continue;
      const std::vector<double> kept = finite(values);
      std::vector<std::string> row = key_cells(grouped, setting);
      row.push_back(scalar.scorer);
      row.push_back(scalar.output.path);
      row.push_back(std::to_string(kept.size()) + (kept.size() < values.size() ? " (+" + std::to_string(values.size() - kept.size()) + " NaN)" : ""));
      row.push_back(interval_cell(mean_interval(kept)));
      row.push_back(kept.empty() ? "" : cell(*std::min_element(kept.begin(), kept.end())));
      row.push_back(kept.empty() ? "" : cell(*std::max_element(kept.begin(), kept.end())));
      row.push_back(scalar.output.description);
      table.rows.push_back(std::move(row));
    }
  }
  return table;
}

bool has_declared_scores(const GroupedRuns& grouped) {
  const std::vector<DeclaredScalar> declared = canary_scalars();
  for (const Setting& setting : grouped.settings) {
    for (const DeclaredScalar& scalar : declared) {
      if (!stored_values(setting, scalar.output.path).empty()) return true;
    }
  }
  return false;
}

}  // namespace ufm
