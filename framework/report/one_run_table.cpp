#include "report/one_run_table.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "audit/one_run_audit.h"
#include "core/statistics.h"
#include "core/text.h"
#include "report/settings.h"
#include "storage/schema.h"

namespace ufm {

namespace {

}  // namespace

std::string one_run_group(const RunRecord& run) {
  std::vector<std::string> parts;
  for (const auto& [key, value] : parse_varying_keys(run.string_attribute(schema::kVaryingKeys))) {
    if (key != "train.seed") parts.push_back(key + "=" + value);
  }
  return parts.empty() ? "all runs" : join(parts, ";");
}

namespace {

// The null audit of the same canaries, coins and seed in `runs` (the same training without
// the stamps), or nullptr.
const RunRecord* null_twin(const RunRecord& run, const std::vector<const RunRecord*>& runs) {
  if (run.int_attribute(schema::kOneRunNull) != 0) return nullptr;
  for (const RunRecord* other : runs) {
    if (other->int_attribute(schema::kOneRunNull) != 0 &&
        other->int_attribute(schema::kSeed) == run.int_attribute(schema::kSeed) &&
        other->array(schema::kOneRunImage).as_doubles() == run.array(schema::kOneRunImage).as_doubles() &&
        other->array(schema::kOneRunStamped).as_doubles() == run.array(schema::kOneRunStamped).as_doubles()) {
      return other;
    }
  }
  return nullptr;
}

// Mean of s_j(run) − s_j(twin) over the canaries whose coin is `stamped` (NaN scores left out).
double mean_effect(const RunRecord& run, const RunRecord& twin, bool stamped) {
  const std::vector<double> a = run.array(schema::kOneRunScore).as_doubles();
  const std::vector<double> b = twin.array(schema::kOneRunScore).as_doubles();
  const std::vector<double> coins = run.array(schema::kOneRunStamped).as_doubles();
  double sum = 0.0;
  std::size_t n = 0;
  for (std::size_t j = 0; j < a.size(); ++j) {
    if ((coins[j] != 0.0) != stamped || std::isnan(a[j]) || std::isnan(b[j])) continue;
    sum += a[j] - b[j];
    ++n;
  }
  return n == 0 ? std::nan("") : sum / static_cast<double>(n);
}

// The trainings of one setting, pooled: independent trainings with independent coins, so
// the summed count of correct guesses is Binomial(Σr, ½) under the null.
struct Pooled {
  std::vector<double> p_values;
  std::int64_t guesses = 0, correct = 0;

  void add(double p, std::int64_t r, std::int64_t v) {
    p_values.push_back(p);
    guesses += r;
    correct += v;
  }
  /// "binomial p, Fisher p".
  std::string p_cell() const {
    return "binomial " + format_number(binomial_test_greater(correct, guesses, 0.5).p_value, 3) + ", Fisher " +
           format_number(fisher_combination(p_values).p_value, 3);
  }
};

// The scored one-run trainings of `file`, by setting, then seed as a number (varying_keys
// holds the seed as text, where "10" < "4").
std::vector<const RunRecord*> scored_one_run_records(const ResultFile& file) {
  std::vector<const RunRecord*> runs;
  for (const auto& run : file.runs) {
    if (is_one_run_record(run) && run.has_attribute(schema::kOneRunPValue)) runs.push_back(&run);
  }
  std::sort(runs.begin(), runs.end(), [](const RunRecord* a, const RunRecord* b) {
    return std::make_tuple(one_run_group(*a), a->int_attribute(schema::kSeed)) <
           std::make_tuple(one_run_group(*b), b->int_attribute(schema::kSeed));
  });
  return runs;
}

}  // namespace

bool has_one_run_audits(const ResultFile& file) {
  return std::any_of(file.runs.begin(), file.runs.end(), [](const RunRecord& run) { return is_one_run_record(run); });
}

bool only_one_run_audits(const ResultFile& file) {
  return !file.runs.empty() &&
         std::all_of(file.runs.begin(), file.runs.end(), [](const RunRecord& run) { return is_one_run_record(run); });
}

Table one_run_table(const ResultFile& file) {
  Table table;
  table.name = "one_run";
  table.header = {"settings", "seed", "null", "canaries", "stamped", "guesses", "correct", "p (no memorisation)",
                  "epsilon lower (delta)", "guarantee", "test acc", "effect stamped", "effect not stamped",
                  "scoring s", "train s"};
  const std::vector<const RunRecord*> runs = scored_one_run_records(file);
  std::map<std::string, Pooled> pooled;
  std::vector<std::string> order;
  for (const RunRecord* run : runs) {
    const std::string setting = run->string_attribute(schema::kVaryingKeys);
    const double p = run->double_attribute(schema::kOneRunPValue);
    const double epsilon = run->double_attribute(schema::kOneRunEpsilonLower);
    const RunRecord* twin = null_twin(*run, runs);
    std::string guarantee = "not private";
    if (run->has_attribute(schema::kPrivacyEpsilon)) {
      const double upper = run->double_attribute(schema::kPrivacyEpsilon);
      guarantee = format_number(upper) + " (" + format_number(run->double_attribute(schema::kPrivacyDelta)) + ")";
      if (run->string_attribute(schema::kPrivacyValidity) != "guarantee") {
        guarantee += ", not a guarantee";
      } else if (epsilon > upper) {
        guarantee += ": lower bound exceeds the guarantee (p < 0.05): check the DP code or the audit";
      }
    }
    table.rows.push_back({setting.empty() ? "all runs" : setting, std::to_string(run->int_attribute(schema::kSeed)),
                          run->int_attribute(schema::kOneRunNull) != 0 ? "yes" : "no",
                          std::to_string(run->array(schema::kOneRunStamped).element_count()),
                          std::to_string(run->int_attribute(schema::kOneRunStampedCount)),
                          std::to_string(run->int_attribute(schema::kOneRunGuesses)),
                          std::to_string(run->int_attribute(schema::kOneRunCorrect)), format_number(p, 3),
                          format_number(epsilon, 3) + " (" +
                              format_number(run->double_attribute(schema::kOneRunDelta)) + ")",
                          guarantee, format_number(scalar_or_nan(*run, schema::kTestAccuracy)),
                          twin ? format_number(mean_effect(*run, *twin, true), 3) : "",
                          twin ? format_number(mean_effect(*run, *twin, false), 3) : "",
                          format_number(run->double_attribute(schema::kOneRunSecondsAttribute), 3),
                          format_number(run->double_attribute(schema::kTrainSecondsAttribute), 3)});
    const std::string group = one_run_group(*run);
    if (pooled.count(group) == 0) order.push_back(group);
    pooled[group].add(p, run->int_attribute(schema::kOneRunGuesses), run->int_attribute(schema::kOneRunCorrect));
  }
  for (const std::string& group : order) {
    const Pooled& pool = pooled[group];
    if (pool.p_values.size() < 2) continue;
    table.rows.push_back({group, "pooled (" + std::to_string(pool.p_values.size()) + " trainings)", "", "", "",
                          std::to_string(pool.guesses), std::to_string(pool.correct), pool.p_cell(), "", "", "",
                          "", "", "", ""});
  }
  return table;
}

namespace {

bool same_canaries(const RunRecord& a, const RunRecord& b) {
  for (const char* key : {"feature.seed", "feature.size", "feature.pattern"}) {
    if (setting_value(a, key) != setting_value(b, key)) return false;
  }
  return a.array(schema::kOneRunImage).as_doubles() == b.array(schema::kOneRunImage).as_doubles();
}

std::vector<std::int64_t> as_ints(const ArrayData& array) {
  const std::vector<double> values = array.as_doubles();
  return std::vector<std::int64_t>(values.begin(), values.end());
}

// Pearson's r of the defined pairs (NaN with fewer than 3). Subtracting the reference helps
// only when r > ½: var(a − b) = 2σ²(1 − r) for scores of equal spread σ.
double score_correlation(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> x, y;
  for (std::size_t j = 0; j < a.size(); ++j) {
    if (std::isfinite(a[j]) && std::isfinite(b[j])) {
      x.push_back(a[j]);
      y.push_back(b[j]);
    }
  }
  if (x.size() < 3) return std::nan("");
  const double n = static_cast<double>(x.size());
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < x.size(); ++i) mx += x[i] / n, my += y[i] / n;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxy / std::sqrt(sxx * syy);
}

}  // namespace

const RunRecord* independent_reference(const RunRecord& run, const std::vector<const RunRecord*>& runs) {
  const std::int64_t seed = run.int_attribute(schema::kSeed);
  const RunRecord* above = nullptr;
  const RunRecord* lowest = nullptr;
  for (const RunRecord* other : runs) {
    if (other == &run || other->int_attribute(schema::kOneRunNull) == 0) continue;
    const std::int64_t s = other->int_attribute(schema::kSeed);
    if (s == seed || !same_canaries(run, *other)) continue;
    if (s > seed && (!above || s < above->int_attribute(schema::kSeed))) above = other;
    if (!lowest || s < lowest->int_attribute(schema::kSeed)) lowest = other;
  }
  return above ? above : lowest;
}

Table one_run_reference_table(const ResultFile& file) {
  Table table;
  table.name = "one_run_reference";
  table.header = {"settings", "seed", "reference seed", "null", "canaries", "guesses", "correct",
                  "p (no memorisation)", "epsilon lower (delta)", "without reference: p", "score correlation"};
  std::vector<const RunRecord*> runs;
  for (const RunRecord* run : scored_one_run_records(file)) {
    if (run->has_array(schema::kOneRunScore)) runs.push_back(run);
  }
  struct Group {
    Pooled pool;
    std::set<const RunRecord*> audits, references;
  };
  std::map<std::string, Group> groups;
  std::vector<std::string> order;
  for (const RunRecord* run : runs) {
    const RunRecord* reference = independent_reference(*run, runs);
    if (!reference) continue;
    const std::vector<double> a = run->array(schema::kOneRunScore).as_doubles();
    const std::vector<double> b = reference->array(schema::kOneRunScore).as_doubles();
    std::vector<double> difference(a.size());
    for (std::size_t j = 0; j < a.size(); ++j) difference[j] = a[j] - b[j];
    const std::vector<std::int64_t> labels = as_ints(run->array(schema::kOneRunLabel));
    const std::vector<std::int64_t> coins = as_ints(run->array(schema::kOneRunStamped));
    const std::vector<bool> stamped(coins.begin(), coins.end());
    const std::int64_t guess_stamped = run->int_attribute(schema::kOneRunGuessStamped);
    const std::int64_t guesses = run->int_attribute(schema::kOneRunGuesses);
    const double delta = run->double_attribute(schema::kOneRunDelta);
    const OneRunGuesses audit = one_run_guesses(standardise_per_label(difference, labels), stamped, guess_stamped,
                                                guesses - guess_stamped, delta);
    const std::string setting = run->string_attribute(schema::kVaryingKeys);
    table.rows.push_back({setting.empty() ? "all runs" : setting, std::to_string(run->int_attribute(schema::kSeed)),
                          std::to_string(reference->int_attribute(schema::kSeed)),
                          run->int_attribute(schema::kOneRunNull) != 0 ? "yes" : "no", std::to_string(a.size()),
                          std::to_string(audit.guesses), std::to_string(audit.correct),
                          format_number(audit.p_value, 3),
                          format_number(audit.epsilon_lower, 3) + " (" + format_number(delta) + ")",
                          format_number(run->double_attribute(schema::kOneRunPValue), 3),
                          format_number(score_correlation(run->array(schema::kOneRunStandardised).as_doubles(),
                                                          reference->array(schema::kOneRunStandardised).as_doubles()),
                                        3)});
    const std::string group = one_run_group(*run);
    if (groups.count(group) == 0) order.push_back(group);
    Group& g = groups[group];
    g.pool.add(audit.p_value, audit.guesses, audit.correct);
    g.audits.insert(run);
    g.references.insert(reference);
  }
  for (const std::string& name : order) {
    const Group& g = groups[name];
    if (g.pool.p_values.size() < 2) continue;
    bool independent = g.references.size() == g.pool.p_values.size();
    for (const RunRecord* reference : g.references) independent = independent && g.audits.count(reference) == 0;
    const std::string trainings = std::to_string(g.audits.size() + g.references.size()) + " trainings";
    if (!independent) {
      table.rows.push_back({name, "not pooled", "", "", "", "", "",
                            "some reference is shared or is one of these audits, so the audits are not independent",
                            "", "", ""});
      continue;
    }
    table.rows.push_back({name, "pooled (" + trainings + ")", "", "", "", std::to_string(g.pool.guesses),
                          std::to_string(g.pool.correct), g.pool.p_cell(), "", "", ""});
  }
  return table;
}

bool has_one_run_references(const ResultFile& file) {
  std::vector<const RunRecord*> runs;
  for (const RunRecord* run : scored_one_run_records(file)) {
    if (run->has_array(schema::kOneRunScore)) runs.push_back(run);
  }
  return std::any_of(runs.begin(), runs.end(), [&](const RunRecord* run) { return independent_reference(*run, runs); });
}

}  // namespace ufm
