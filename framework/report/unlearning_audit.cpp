#include "report/unlearning_audit.h"

#include <algorithm>
#include <cmath>

#include "core/text.h"
#include "report/audit_table.h"
#include "report/settings.h"
#include "report/unlearning_table.h"
#include "storage/schema.h"

namespace ufm {
namespace {

// One stage's game: the unlearned canary record holds the canary's own exposure and its
// control's (scores/exposure, scores/exposure_control), after unlearning at those paths and as
// trained under before/.
AuditHalves halves_of(const std::vector<const RunRecord*>& canaries, bool after) {
  const std::string member_path = after ? schema::kExposure : schema::before_unlearning(schema::kExposure);
  const std::string non_member_path = after ? schema::kExposureControl : schema::before_unlearning(schema::kExposureControl);
  std::vector<std::pair<double, double>> scores;
  for (const RunRecord* run : canaries) {
    scores.emplace_back(scalar_or_nan(*run, member_path.c_str()), scalar_or_nan(*run, non_member_path.c_str()));
  }
  return audit_halves(scores);
}

}  // namespace

Table unlearning_audit_table(const ResultFile& file) {
  Table table;
  table.name = "unlearning_audit";
  table.header = {"variant", "pairs", "choose / count", "epsilon lower before (delta)", "mu lower before",
                  "epsilon lower after (delta)", "mu lower after", "design limit eps / mu", "TPR / FPR after"};
  for (auto [variant, canaries] : unlearned_canaries_by_variant(file)) {
    std::sort(canaries.begin(), canaries.end(), [](const RunRecord* a, const RunRecord* b) {
      return a->int_attribute(schema::kCanaryIndex) < b->int_attribute(schema::kCanaryIndex);
    });
    std::vector<std::string> row = {variant.empty() ? "all runs" : variant};
    const double delta = audit_delta(*canaries.front());
    const AuditHalves before = halves_of(canaries, false), after = halves_of(canaries, true);
    row.push_back(std::to_string(after.pairs));
    if (before.pairs < 2 || after.pairs < 2) {
      row.push_back("fewer than 2 pairs with the score");
      while (row.size() < table.header.size()) row.push_back("");
      table.rows.push_back(row);
      continue;
    }
    const ThresholdAudit audit_before = threshold_audit(before.halves[0], before.halves[1], delta);
    const ThresholdAudit audit_after = threshold_audit(after.halves[0], after.halves[1], delta);
    row.push_back(audit_counts_cell(audit_after.selection) + " / " + audit_counts_cell(audit_after.evaluation));
    row.push_back(format_number(audit_before.bound.epsilon_lower) + " (" + format_number(delta) + ")");
    row.push_back(format_number(audit_before.bound.mu_lower));
    row.push_back(format_number(audit_after.bound.epsilon_lower) + " (" + format_number(delta) + ")");
    row.push_back(format_number(audit_after.bound.mu_lower));
    row.push_back(format_number(audit_after.design_limit.epsilon_lower) + " / " +
                  format_number(audit_after.design_limit.mu_lower));
    row.push_back(format_number(audit_after.bound.tpr) + " / " + format_number(audit_after.bound.fpr));
    table.rows.push_back(row);
  }
  return table;
}

}  // namespace ufm
