#include "report/audit_table.h"

#include <cmath>
#include <limits>

#include "audit/threshold_audit.h"
#include "core/error.h"
#include "core/text.h"
#include "storage/schema.h"

namespace ufm {

namespace {

constexpr const char* kExceeds = "lower bound exceeds the guarantee (p < 0.05): check the DP code or the audit";

// The member and non-member score of one pair: the canary's and its control's.
std::pair<double, double> pair_scores(const CanaryEntry& canary, const std::string& score) {
  if (score == kAuditScoreM) return {canary.m, canary.control_m};
  return {scalar_or_nan(*canary.run, schema::kExposure), scalar_or_nan(*canary.run, schema::kExposureControl)};
}

}  // namespace

AuditHalves audit_halves(const std::vector<std::pair<double, double>>& member_and_non_member) {
  AuditHalves split;
  for (const auto& [member, non_member] : member_and_non_member) {
    if (std::isnan(member) || std::isnan(non_member)) continue;
    ScoredModels& half = split.halves[split.pairs % 2];
    half.members.push_back(member);
    half.non_members.push_back(non_member);
    ++split.pairs;
  }
  return split;
}

std::string audit_counts_cell(const MembershipCounts& counts) {
  return std::to_string(counts.members) + "+" + std::to_string(counts.non_members);
}

double audit_delta(const RunRecord& run) {
  if (run.has_attribute(schema::kPrivacyDelta)) return run.double_attribute(schema::kPrivacyDelta);
  const auto stated = setting_value(run, "privacy.delta");
  return stated ? std::stod(*stated) : 1e-5;
}

bool has_audit_scores(const ResultFile& file) {
  for (const auto& run : file.runs) {
    if (run.arrays.count(schema::kExposureControl) != 0) return true;
  }
  return false;
}

std::string audit_refusal(const GroupedRuns& grouped, const std::string& score) {
  if (score != kAuditScoreExposure && score != kAuditScoreM) {
    return "--audit-score: unknown score '" + score + "' (valid: " + kAuditScoreExposure + ", " + kAuditScoreM + ")";
  }
  for (const Setting& setting : grouped.settings) {
    for (const CanaryEntry& canary : setting.canaries) {
      if (setting_value(*canary.run, "canaries.pairing").value_or("shared") != "independent") {
        return "--table audit: setting " + setting_label(grouped.keys, setting) +
               ": canaries.pairing is shared (one control serves every canary, so every non-member guess is one "
               "model's); an epsilon lower bound needs canaries.pairing: independent";
      }
    }
    if (setting.canaries.size() < 2) {
      return "--table audit: setting " + setting_label(grouped.keys, setting) + " has " +
             std::to_string(setting.canaries.size()) +
             " pair; an audit needs at least 2 (one to choose the threshold, one to count)";
    }
  }
  return "";
}

Table audit_table(const GroupedRuns& grouped, const std::string& score) {
  Table table;
  table.name = "audit";
  table.header = key_header(grouped.keys);
  for (const char* column : {"score", "pairs", "choose / count", "threshold", "TPR (lower)", "FPR (upper)",
                             "epsilon lower (delta)", "mu lower", "design limit eps / mu", "guarantee eps / mu",
                             "check"}) {
    table.header.push_back(column);
  }
  for (const Setting& setting : grouped.settings) {
    std::vector<std::string> row = key_cells(grouped, setting);
    row.push_back(score == kAuditScoreM ? "M (each model alone)" : "exposure (each model alone)");
    std::vector<std::pair<double, double>> scores;
    for (const CanaryEntry& canary : setting.canaries) scores.push_back(pair_scores(canary, score));
    const AuditHalves split = audit_halves(scores);
    const std::size_t pairs = split.pairs;
    row.push_back(std::to_string(pairs));
    const RunRecord& first = *setting.canaries.front().run;
    const double delta = audit_delta(first);
    if (pairs < 2) {
      const bool stored = first.arrays.count(schema::kExposureControl) != 0 || score == kAuditScoreM;
      row.push_back(stored ? "fewer than 2 pairs with the score"
                           : "not stored: scores/exposure_control is written since the audit table; try "
                             "--audit-score M");
      while (row.size() < table.header.size()) row.push_back("");
      table.rows.push_back(row);
      continue;
    }
    const ThresholdAudit audit = threshold_audit(split.halves[0], split.halves[1], delta);
    const MembershipBound& bound = audit.bound;
    row.push_back(audit_counts_cell(audit.selection) + " / " + audit_counts_cell(audit.evaluation));
    row.push_back(std::isinf(audit.threshold) ? "none (guess no member)" : format_number(audit.threshold));
    row.push_back(format_number(bound.tpr) + " (" + format_number(bound.tpr_lower) + ")");
    row.push_back(format_number(bound.fpr) + " (" + format_number(bound.fpr_upper) + ")");
    row.push_back(format_number(bound.epsilon_lower) + " (" + format_number(delta) + ")");
    row.push_back(format_number(bound.mu_lower));
    row.push_back(format_number(audit.design_limit.epsilon_lower) + " / " +
                  format_number(audit.design_limit.mu_lower));
    if (!first.has_attribute(schema::kPrivacyEpsilon)) {
      row.push_back("not private");
      row.push_back("no guarantee");
    } else if (first.string_attribute(schema::kPrivacyValidity) != "guarantee") {
      row.push_back(first.string_attribute(schema::kPrivacyValidity));
      row.push_back("not compared (no guarantee)");
    } else if (first.string_attribute(schema::kPrivacyNeighbouring) != "replace") {
      // The audit tests replace-one; an add/remove guarantee is not the same statement.
      row.push_back("stated for " + first.string_attribute(schema::kPrivacyNeighbouring));
      row.push_back("not compared (the audit bounds replace-one)");
    } else {
      const double epsilon = first.double_attribute(schema::kPrivacyEpsilon);
      const double mu = first.double_attribute(schema::kPrivacyMu);
      row.push_back(format_number(epsilon) + " / " + format_number(mu));
      const bool exceeds = bound.epsilon_lower > epsilon || bound.mu_lower > mu;
      row.push_back(exceeds ? kExceeds : "within the guarantee");
    }
    table.rows.push_back(row);
  }
  return table;
}

}  // namespace ufm
