#include "report/one_run_plot.h"

#include <map>
#include <vector>

#include "report/one_run_table.h"
#include "report/pvalue_qq_plot.h"
#include "storage/schema.h"

namespace ufm {

std::string write_one_run_plot(const ResultFile& file, const std::string& directory) {
  std::map<std::string, std::vector<double>> p_by_setting;
  for (const RunRecord& run : file.runs) {
    if (!is_one_run_record(run) || !run.has_attribute(schema::kOneRunPValue)) continue;
    const std::string kind = run.int_attribute(schema::kOneRunNull) != 0 ? " (null)" : "";
    p_by_setting[one_run_group(run) + kind].push_back(run.double_attribute(schema::kOneRunPValue));
  }
  std::vector<PValueSeries> series;
  for (auto& [setting, p] : p_by_setting) series.push_back({setting, std::move(p)});
  return write_pvalue_qq_plot(directory, "one_run_pvalues",
                              "One-run audits: p of no memorisation per training against Uniform(0,1)", series, true);
}

}  // namespace ufm
