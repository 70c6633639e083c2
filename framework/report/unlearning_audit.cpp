#include "report/unlearning_audit.h"

#include <algorithm>
#include <cmath>

#include "audit/threshold_audit.h"
#include "core/text.h"
#include "report/audit_table.h"
#include "report/settings.h"
#include "report/unlearning_table.h"
#include "storage/schema.h"

namespace ufm {
namespace {

// The two halves of one stage's game: the unlearned canary record holds the canary's own
// exposure and its control's (scores/exposure, scores/exposure_control), after unlearning at
// those paths and as trained under before/.
std::pair<ScoredModels, ScoredModels> halves_of(const std::vector<const RunRecord*>& canaries, bool after,
                                                 std::size_t* pairs) {
  ScoredModels halves[2];
  *pairs = 0;
  for (const RunRecord* run : canaries) {
    const std::string member_path = after ? schema::kExposure : schema::before_unlearning(schema::kExposure);
    const std::string non_member_path =
        after ? schema::kExposureControl : schema::before_unlearning(schema::kExposureControl);
    const double member = scalar_or_nan(*run, member_path.c_str());
    const double non_member = scalar_or_nan(*run, non_member_path.c_str());
    if (std::isnan(member) || std::isnan(non_member)) continue;
    ScoredModels& half = halves[*pairs % 2];
    half.members.push_back(member);
    half.non_members.push_back(non_member);
    ++*pairs;
  }
  return {halves[0], halves[1]};
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
    std::size_t pairs_before = 0, pairs_after = 0;
    const auto before = halves_of(canaries, false, &pairs_before);
    const auto after = halves_of(canaries, true, &pairs_after);
    row.push_back(std::to_string(pairs_after));
    if (pairs_before < 2 || pairs_after < 2) {
      row.push_back("fewer than 2 pairs with the score");
      while (row.size() < table.header.size()) row.push_back("");
      table.rows.push_back(row);
      continue;
    }
    const ThresholdAudit audit_before = threshold_audit(before.first, before.second, delta);
    const ThresholdAudit audit_after = threshold_audit(after.first, after.second, delta);
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
