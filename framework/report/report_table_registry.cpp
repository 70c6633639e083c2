#include "report/report_table_registry.h"

#include "core/error.h"
#include "report/audit_table.h"
#include "report/influence_table.h"
#include "report/one_run_table.h"
#include "report/privacy_table.h"
#include "report/report_tables.h"
#include "report/scores_table.h"
#include "report/summary_table.h"
#include "report/unlearning_audit.h"
#include "report/unlearning_table.h"
#include "report/verdicts.h"

namespace ufm {
namespace {

std::vector<std::string> without_seed(const std::vector<std::string>& keys) {
  std::vector<std::string> out;
  for (const auto& key : keys) {
    if (key != "train.seed") out.push_back(key);
  }
  return out;
}

// A table that prints by itself whenever `when` holds.
ReportTable entry(std::string name, std::string description, std::function<bool(const ReportInputs&)> when,
                  std::function<Table(const ReportInputs&)> build) {
  ReportTable table;
  table.name = std::move(name);
  table.description = std::move(description);
  table.shown_by_default = std::move(when);
  table.render = [build = std::move(build)](const ReportInputs& in) { return render(build(in), in.format); };
  return table;
}

bool one_run_only(const ReportInputs& in) { return only_one_run_audits(in.file); }

std::vector<ReportTable> all_tables() {
  std::vector<ReportTable> tables;
  // A file of one-run audits alone has no canary or control to tabulate.
  tables.push_back(entry(
      "settings", "one row per setting: M, M − control with sign/Wilcoxon/t tests, test accuracy",
      [](const ReportInputs& in) { return !one_run_only(in) && (in.options.group_by || !varying_keys(in.file).empty()); },
      [](const ReportInputs& in) { return settings_table(in.grouped); }));
  tables.push_back(entry(
      "seeds", "between-seed spread of M per canary, when train.seed varies",
      [](const ReportInputs& in) { return seeds_vary(in.file); },
      [](const ReportInputs& in) {
        const auto seed_keys = without_seed(in.keys);
        return seed_table(seed_keys.size() == in.keys.size() ? in.grouped : group_runs(in.file, seed_keys, in.source));
      }));
  // Files without exposure or null pairs (all files before issue 8) keep their old report.
  tables.push_back(entry("exposure", "per canary: exposure and p against candidates and control",
                         [](const ReportInputs& in) { return has_exposure(in.file); },
                         [](const ReportInputs& in) { return exposure_table(in.grouped); }));
  ReportTable verdicts = entry(
      "verdicts", "pooled exposure p-values, sign/Wilcoxon on M − control, when canaries store exposure",
      [](const ReportInputs& in) { return has_exposure(in.file); },
      [](const ReportInputs& in) { return verdict_table(in.grouped, in.file, in.null_pairs); });
  // A pooled verdict asked for by name over designs that cannot support one is an error.
  verdicts.check_asked = [](const ReportInputs& in) { check_pooled_verdicts_possible(in.grouped, "verdicts"); };
  tables.push_back(verdicts);
  tables.push_back(entry("calibration", "false-positive rates on null pairs",
                         [](const ReportInputs& in) { return has_null_pairs(in.calibration_source); },
                         [](const ReportInputs& in) { return calibration_table(in.calibration_source); }));
  ReportTable power = entry(
      "power", "pooled p against the number of pairs",
      [](const ReportInputs& in) {
        return has_exposure(in.file) && !power_table(in.grouped).rows.empty() && !has_null_pairs(in.file);
      },
      [](const ReportInputs& in) { return power_table(in.grouped); });
  power.check_asked = [](const ReportInputs& in) { check_pooled_verdicts_possible(in.grouped, "power"); };
  tables.push_back(power);
  // Asked for by name only: every declared scalar score, read through the scorer registry.
  ReportTable scores = entry("scores", "every registered scorer's scalar outputs per setting: mean [95% CI], range",
                             [](const ReportInputs&) { return false; },
                             [](const ReportInputs& in) { return scores_table(in.grouped); });
  scores.check_asked = [](const ReportInputs& in) {
    UFM_CHECK(has_declared_scores(in.grouped), ConfigError, "--table scores: ", in.source,
              " holds no canary with a registered scorer's output");
  };
  tables.push_back(scores);
  ReportTable runs;
  runs.name = "runs";
  runs.description = "one row per model (in markdown with the summary rows ufm run prints)";
  runs.shown_by_default = [](const ReportInputs& in) { return !one_run_only(in); };
  runs.render = [](const ReportInputs& in) {
    return in.format == TableFormat::kMarkdown
               ? markdown_summary(in.file, in.evidence.tests.empty() ? nullptr : &in.evidence)
               : render(run_table(in.file), in.format);
  };
  tables.push_back(runs);
  tables.push_back(entry("influence", "M and self-influence ranks before/after stamping per selection group",
                         [](const ReportInputs& in) { return has_influence_runs(in.file); },
                         [](const ReportInputs& in) { return influence_table(in.file); }));
  tables.push_back(entry("privacy", "DP-SGD: sigma, q, steps, epsilon by each accountant, mu-GDP, relation",
                         [](const ReportInputs& in) { return has_private_runs(in.file); },
                         [](const ReportInputs& in) { return privacy_table(in.grouped); }));
  ReportTable audit = entry(
      "audit", "epsilon and mu lower bounds from telling canaries from their controls, beside the guarantee",
      [](const ReportInputs& in) {
        return has_audit_scores(in.file) && audit_refusal(in.grouped, kAuditScoreExposure).empty();
      },
      [](const ReportInputs& in) { return audit_table(in.grouped, in.options.audit_score); });
  audit.check_asked = [](const ReportInputs& in) {
    const std::string refusal = audit_refusal(in.grouped, in.options.audit_score);
    UFM_CHECK(refusal.empty(), ConfigError, refusal);
  };
  tables.push_back(audit);
  tables.push_back(entry("one_run", "one-run audits: guesses right, p of no memorisation, epsilon lower bound",
                         [](const ReportInputs& in) { return has_one_run_audits(in.file); },
                         [](const ReportInputs& in) { return one_run_table(in.file); }));
  tables.push_back(entry("one_run_reference", "one-run audits redone against an independent reference training",
                         [](const ReportInputs& in) { return has_one_run_references(in.file); },
                         [](const ReportInputs& in) { return one_run_reference_table(in.file); }));
  tables.push_back(entry("unlearning", "memorisation left after unlearning against each reference",
                         [](const ReportInputs& in) { return has_unlearning_runs(in.file); },
                         [](const ReportInputs& in) { return unlearning_table(in.file, in.null_pairs); }));
  tables.push_back(entry("unlearning_cost", "accuracy, forget-image fit and time of each unlearning variant",
                         [](const ReportInputs& in) { return has_unlearning_runs(in.file); },
                         [](const ReportInputs& in) { return unlearning_cost_table(in.file); }));
  tables.push_back(entry("unlearning_audit", "epsilon lower bounds before and after unlearning",
                         [](const ReportInputs& in) { return has_unlearning_runs(in.file); },
                         [](const ReportInputs& in) { return unlearning_audit_table(in.file); }));
  return tables;
}

}  // namespace

const std::vector<ReportTable>& report_tables() {
  static const std::vector<ReportTable> tables = all_tables();
  return tables;
}

std::vector<std::string> report_table_names() {
  std::vector<std::string> names;
  for (const ReportTable& table : report_tables()) names.push_back(table.name);
  return names;
}

}  // namespace ufm
