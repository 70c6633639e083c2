#include "report/unlearning_table.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

#include "core/error.h"
#include "core/statistics.h"
#include "report/per_canary_tests.h"
#include "report/plots.h"
#include "report/settings.h"
#include "report/summary_statistics.h"
#include "storage/schema.h"

namespace ufm {
namespace {

namespace fs = std::filesystem;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Reference {
  const char* name;   // schema::kReference*
  const char* label;  // as the table shows it
};

const std::vector<Reference>& references() {
  static const std::vector<Reference> all = {
      {schema::kReferenceRetrained, "(a) image removed (retrained)"},
      {schema::kReferenceNeverSeen, "(b) feature never seen (control)"},
      {schema::kReferenceSameProcedure, "(c) same procedure (control unlearned)"},
  };
  return all;
}

double value(const RunRecord& run, const std::string& path) { return scalar_or_nan(run, path.c_str()); }

bool is_unlearned_canary(const RunRecord& run) {
  return run.has_attribute(schema::kUnlearnedFrom) && run.has_attribute(schema::kIsControl) &&
         run.int_attribute(schema::kIsControl) == 0;
}


// M − reference of one unlearned canary, after (the unlearned model) or before (its source).
double effect(const RunRecord& run, const Reference& reference, bool after) {
  const std::string m = schema::reference_path(reference.name, schema::kReferenceM);
  return after ? value(run, schema::kScoreM) - value(run, m) : value(run, schema::before_unlearning(schema::kScoreM)) - value(run, schema::before_unlearning(m));
}

std::vector<double> p_values(const std::vector<const RunRecord*>& runs, const Reference& reference, bool after) {
  const std::string p = schema::reference_path(reference.name, schema::kReferenceExposure) + schema::kExposurePSuffix;
  std::vector<double> out;
  for (const RunRecord* run : runs) out.push_back(value(*run, after ? p : schema::before_unlearning(p)));
  return finite(out);
}

bool has_reference(const std::vector<const RunRecord*>& runs, const Reference& reference) {
  const std::string m = schema::reference_path(reference.name, schema::kReferenceM);
  for (const RunRecord* run : runs) {
    if (run->has_array(m)) return true;
  }
  return false;
}

struct Effects {
  MeanInterval before, after;
};

Effects effects(const std::vector<const RunRecord*>& runs, const Reference& reference) {
  std::vector<double> b, a;
  for (const RunRecord* run : runs) {
    b.push_back(effect(*run, reference, false));
    a.push_back(effect(*run, reference, true));
  }
  return Effects{mean_interval(b), mean_interval(a)};
}


std::string fpr_cell(const std::vector<double>& null_p) {
  if (null_p.empty()) return "not measured";
  std::int64_t hits = 0;
  for (double p : null_p) hits += p < 0.05 ? 1 : 0;
  const auto n = static_cast<std::int64_t>(null_p.size());
  const auto [low, high] = clopper_pearson_interval(hits, n, 0.95);
  return cell(static_cast<double>(hits) / static_cast<double>(n), 3) + " [" + cell(low, 2) + ", " + cell(high, 2) +
         "] (" + std::to_string(hits) + "/" + std::to_string(n) + ")";
}

std::map<std::string, const RunRecord*> by_identity(const ResultFile& file) {
  std::map<std::string, const RunRecord*> out;
  for (const auto& run : file.runs) out[run.identity] = &run;
  return out;
}

const RunRecord* retrained_of(const RunRecord& run, const std::map<std::string, const RunRecord*>& runs) {
  if (!run.has_attribute(schema::kRetrainedIdentity)) return nullptr;
  const auto found = runs.find(run.string_attribute(schema::kRetrainedIdentity));
  return found == runs.end() ? nullptr : found->second;
}

double attribute_or_nan(const RunRecord& run, const char* name) {
  if (!run.has_attribute(name)) return kNaN;
  const std::string text = attribute_text(run, name);
  return text.empty() ? kNaN : std::stod(text);
}

}  // namespace

std::map<std::string, std::vector<const RunRecord*>> unlearned_canaries_by_variant(const ResultFile& file) {
  std::map<std::string, std::vector<const RunRecord*>> variants;
  for (const auto& run : file.runs) {
    if (is_unlearned_canary(run)) variants[attribute_text(run, schema::kVaryingKeys)].push_back(&run);
  }
  return variants;
}

bool has_unlearning_runs(const ResultFile& file) {
  for (const auto& run : file.runs) {
    if (is_unlearned_canary(run)) return true;
  }
  return false;
}

std::string unlearning_verdict(const EffectInterval& before, const EffectInterval& after) {
  std::string verdict;
  if (!(before.low > 0)) {
    verdict = "nothing shown memorised before (95 % CI of before includes 0)";
  } else if (std::isfinite(after.high) && after.high < kRemovedFraction * before.mean) {
    verdict = "feature removed";
  } else {
    verdict = "not shown to be removed";
  }
  // Below the reference: the model now scores the feature lower than a model that never
  // saw it, which itself tells the forgotten image from the others (whatever was shown
  // before).
  if (after.high < 0) verdict += "; over-forgotten (after < 0: the unlearning itself is visible)";
  return verdict;
}

Table unlearning_table(const ResultFile& file, const ResultFile* null_pairs) {
  Table table;
  table.name = "unlearning";
  table.header = {"variant", "reference", "pairs", "M − ref before [95 % CI]", "M − ref after [95 % CI]", "left",
                  "exposure p before (Fisher)", "exposure p after (Fisher)", "FPR after, null pairs (p < 0.05)",
                  "verdict"};
  const auto nulls = null_pairs ? unlearned_canaries_by_variant(*null_pairs) : std::map<std::string, std::vector<const RunRecord*>>{};
  for (const auto& [variant, runs] : unlearned_canaries_by_variant(file)) {
    for (const Reference& reference : references()) {
      if (!has_reference(runs, reference)) continue;
      const Effects e = effects(runs, reference);
      const auto null_runs = nulls.find(variant);
      const std::vector<double> null_p =
          null_runs == nulls.end() ? std::vector<double>{} : p_values(null_runs->second, reference, true);
      const std::string verdict = unlearning_verdict({e.before.mean, e.before.low, e.before.high},
                                                     {e.after.mean, e.after.low, e.after.high});
      table.rows.push_back({variant.empty() ? "all runs" : variant, reference.label, std::to_string(e.after.n),
                            interval_cell(e.before), interval_cell(e.after), cell(e.after.mean / e.before.mean, 3),
                            cell(fisher_or_nan(p_values(runs, reference, false)).p_value, 3),
                            cell(fisher_or_nan(p_values(runs, reference, true)).p_value, 3), fpr_cell(null_p),
                            verdict});
    }
  }
  return table;
}

Table unlearning_cost_table(const ResultFile& file) {
  Table table;
  table.name = "unlearning_cost";
  table.header = {"variant", "pairs", "test acc before", "test acc change [95 % CI]", "forget loss before → after",
                  "forget acc before → after", "seconds", "time / retraining"};
  const auto runs_by_identity = by_identity(file);
  std::vector<double> retrain_change, retrain_seconds;
  std::map<std::string, bool> seen_retrained;
  for (const auto& [variant, runs] : unlearned_canaries_by_variant(file)) {
    std::vector<double> accuracy_before, change, loss_before, loss_after, fit_before, fit_after, seconds, fraction;
    for (const RunRecord* run : runs) {
      const double acc_before = value(*run, schema::before_unlearning(schema::kTestAccuracy));
      accuracy_before.push_back(acc_before);
      change.push_back(value(*run, schema::kTestAccuracy) - acc_before);
      loss_before.push_back(value(*run, schema::before_unlearning(schema::kForgetLoss)));
      loss_after.push_back(value(*run, schema::kForgetLoss));
      fit_before.push_back(value(*run, schema::before_unlearning(schema::kForgetAccuracy)));
      fit_after.push_back(value(*run, schema::kForgetAccuracy));
      const double unlearning_seconds = attribute_or_nan(*run, schema::kUnlearningSecondsAttribute);
      seconds.push_back(unlearning_seconds);
      const RunRecord* retrained = retrained_of(*run, runs_by_identity);
      if (retrained == nullptr) continue;
      const double retrain = attribute_or_nan(*retrained, schema::kTrainSecondsAttribute);
      fraction.push_back(unlearning_seconds / retrain);
      if (!seen_retrained[retrained->identity]) {
        seen_retrained[retrained->identity] = true;
        // Retraining's cost against the trained canary it replaces.
        retrain_change.push_back(value(*retrained, schema::kTestAccuracy) - acc_before);
        retrain_seconds.push_back(retrain);
      }
    }
    table.rows.push_back({variant.empty() ? "all runs" : variant, std::to_string(runs.size()),
                          cell(mean_of(accuracy_before)), interval_cell(mean_interval(change)),
                          cell(mean_of(loss_before), 3) + " → " + cell(mean_of(loss_after), 3),
                          cell(mean_of(fit_before), 3) + " → " + cell(mean_of(fit_after), 3),
                          cell(mean_of(seconds), 3), cell(mean_of(fraction), 3)});
  }
  if (!retrain_seconds.empty()) {
    table.rows.push_back({"retraining (reference (a))", std::to_string(retrain_seconds.size()), "",
                          interval_cell(mean_interval(retrain_change)), "", "", cell(mean_of(retrain_seconds), 3),
                          "1"});
  }
  return table;
}

std::string write_unlearning_plot(const ResultFile& file, const std::string& directory) {
  if (!has_unlearning_runs(file)) return "";
  const fs::path dir(directory);
  const auto runs_by_identity = by_identity(file);
  const Reference& same = references()[2];
  const Reference& retrained = references()[0];
  const Reference& never_seen = references()[1];
  // Absolute M − reference, not after/before: a ratio to a before-effect near 0 is noise.
  std::ofstream data(dir / "unlearning.dat");
  data << "# variant  acc_change  after_vs_c  low_c  high_c  after_vs_a  low_a  high_a\n";
  std::vector<double> retrain_change, retrain_left;
  double before_effect = kNaN;
  for (const auto& [variant, runs] : unlearned_canaries_by_variant(file)) {
    std::vector<double> change;
    for (const RunRecord* run : runs) {
      change.push_back(value(*run, schema::kTestAccuracy) - value(*run, schema::before_unlearning(schema::kTestAccuracy)));
    }
    const Effects c = effects(runs, same);
    const Effects a = has_reference(runs, retrained) ? effects(runs, retrained) : Effects{};
    const std::string name = variant.substr(variant.find('=') + 1);
    data << '"' << name << "\" " << plot_number(mean_of(change)) << ' ' << plot_number(c.after.mean) << ' '
         << plot_number(c.after.low) << ' ' << plot_number(c.after.high) << ' ' << plot_number(a.after.mean) << ' '
         << plot_number(a.after.low) << ' ' << plot_number(a.after.high) << "\n";
    if (retrain_change.empty()) {
      // Before unlearning, (c) is the control: the trained canary's M − control.
      before_effect = c.before.mean;
      // Retraining: its accuracy change against the trained canary, and what is left of the
      // feature in it against (b) (it never saw the feature either).
      for (const RunRecord* run : runs) {
        const RunRecord* r = retrained_of(*run, runs_by_identity);
        if (r == nullptr) continue;
        retrain_change.push_back(value(*r, schema::kTestAccuracy) - value(*run, schema::before_unlearning(schema::kTestAccuracy)));
        retrain_left.push_back(value(*run, schema::reference_path(retrained.name, schema::kReferenceM)) -
                               value(*run, schema::reference_path(never_seen.name, schema::kReferenceM)));
      }
    }
  }
  data << "\n\n\"retraining\" " << plot_number(mean_of(retrain_change)) << ' ' << plot_number(mean_of(retrain_left))
       << "\n";
  data.close();
  std::ofstream script(dir / "unlearning.gp");
  script << "set terminal pngcairo size 1000,600 noenhanced\nset output 'unlearning.png'\n"
            "set title 'Memorisation left after unlearning against its accuracy cost (mean over pairs, 95 % CI)'\n"
            "set xlabel 'change of test accuracy (after - before)'\n"
            "set ylabel 'M - reference after unlearning'\n"
            "set key outside right\nset grid\nset yzeroaxis\nset xzeroaxis\n"
            "before = " << plot_number(before_effect) << "\n"
            "plot before with lines dt 2 lc rgb 'gray40' title sprintf('before: M - control = %.3f', before), \\\n"
            "     'unlearning.dat' index 0 using 2:3:4:5 with yerrorbars pt 7 title 'vs (c) same procedure', \\\n"
            "     '' index 0 using 2:3:1 with labels left offset 0.8,0 font ',8' notitle, \\\n"
            "     '' index 0 using 2:6:7:8 with yerrorbars pt 4 title 'vs (a) image removed', \\\n"
            "     '' index 1 using 2:3 with points pt 9 ps 2 title 'retraining: R - control'\n";
  script.close();
  render_gnuplot(directory, "unlearning");
  return (dir / "unlearning.png").string();
}

}  // namespace ufm
