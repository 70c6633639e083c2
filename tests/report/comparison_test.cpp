// ufm compare: runs of two result files paired by role, seed, canary and swept values; the
// paired differences and their intervals; verdict changes counted per canary with the exact
// McNemar p (checked against scipy.stats.binomtest).
#include "report/comparison.h"

#include <gtest/gtest.h>

#include <cmath>

#include "report_records.h"
#include "storage/schema.h"

namespace ufm {
namespace {

double scalar_of(const RunRecord& run, const char* path) { return run.array(path).as_doubles().at(0); }

// Three seeds' pairs; OTHER is BASE with test accuracy lowered by `accuracy_shift` on every
// model, epochs trained +1 and each model twice as fast.
ResultFile with_changes(const ResultFile& base, double accuracy_shift) {
  ResultFile other = base;
  other.attributes[schema::kExperimentConfig] = std::string("name: test\ntrain:\n  seed: 0\n  precision: bf16\n");
  for (RunRecord& run : other.runs) {
    run.identity += "-other";  // identities differ whenever a scientific setting does
    run.arrays[schema::kTestAccuracy] = ArrayData::scalar(scalar_of(run, schema::kTestAccuracy) - accuracy_shift);
    run.arrays[schema::kEpochsRun] = ArrayData::scalar(scalar_of(run, schema::kEpochsRun) + 1);
    run.arrays[schema::kEpochSeconds] = ArrayData::vector({0.5, 0.5}, "epoch");
    if (run.attributes.count(schema::kControlIdentity)) {
      run.attributes[schema::kControlIdentity] = std::get<std::string>(run.attributes[schema::kControlIdentity]) + "-other";
    }
  }
  return other;
}

ResultFile base_file() {
  ResultFile base = testing::seed_sweep();
  base.attributes[schema::kExperimentConfig] =
      std::string("name: test\ntrain:\n  seed: 0\noutput:\n  path: a.h5\nexecution:\n  threads: 1\n");
  for (RunRecord& run : base.runs) run.arrays[schema::kEpochSeconds] = ArrayData::vector({1.0, 1.0}, "epoch");
  return base;
}

TEST(Comparison, ChangedSettingsNameTheKeyBothValuesAndLeaveOutWhereAndHowFast) {
  const ResultFile base = base_file();
  ResultFile other = with_changes(base, 0.0);
  other.attributes[schema::kExperimentConfig] =
      std::string("name: test\ntrain:\n  seed: 0\n  precision: bf16\noutput:\n  path: b.h5\nexecution:\n  threads: 2\n");
  EXPECT_EQ(changed_settings(base, other), std::vector<std::string>{"train.precision: (default) → bf16"});
  EXPECT_TRUE(changed_settings(base, base).empty());
}

// Property: every trained model is paired with its counterpart, whatever its identity, and
// a model only one file has is counted, not paired.
TEST(Comparison, RunsPairByRoleSeedCanaryAndSweptValues) {
  const ResultFile base = base_file();
  ResultFile other = with_changes(base, 0.0);
  other.runs.pop_back();
  std::size_t unmatched = 0;
  const std::vector<MatchedRun> matched = match_runs(base, other, &unmatched);
  EXPECT_EQ(matched.size(), base.runs.size() - 1);
  EXPECT_EQ(unmatched, 1u);
  for (const MatchedRun& m : matched) {
    EXPECT_EQ(m.other->identity, m.base->identity + "-other");
  }
}

// Property: the table's mean differences are OTHER − BASE over the paired models, a
// constant shift has a zero-width interval at the shift, and time ratios are OTHER/BASE.
TEST(Comparison, PairedDifferencesRecoverAKnownShift) {
  const ResultFile base = base_file();
  const Table table = paired_runs_table(base, with_changes(base, 0.125));
  auto row = [&](const std::string& name) {
    for (const auto& r : table.rows) {
      if (r[0] == name) return r;
    }
    ADD_FAILURE() << "no row " << name;
    return std::vector<std::string>(table.header.size());
  };
  EXPECT_EQ(row("test accuracy")[1], std::to_string(base.runs.size()));
  EXPECT_EQ(row("test accuracy")[4], "-0.125 [-0.125, -0.125]");
  EXPECT_EQ(row("epochs trained")[4], "1 [1, 1]");
  EXPECT_EQ(row("seconds per epoch")[5], "0.5");
  EXPECT_EQ(row("seconds per model (training)")[5], "0.5");
  EXPECT_EQ(row("M (canaries)")[1], "5") << "five canaries in the seed sweep";
  EXPECT_EQ(row("M − control (canaries)")[4], "0 [0, 0]");
}

// Property: a canary that rejects in one file and not the other is counted as discordant,
// and the McNemar p is the exact two-sided binomial tail (scipy.stats.binomtest(k, n, 0.5)
// .pvalue: k=9, n=10 → 0.021484375; k=2, n=3 → 1.0; k=5, n=5 → 0.0625), and a weakening
// of every canary's p shows as a negative z shift.
TEST(Comparison, VerdictChangesCountDiscordantCanariesWithTheExactMcNemarP) {
  EXPECT_NEAR(mcnemar_exact_p(1, 9), 0.021484375, 1e-12);  // through the incomplete beta: ~1e-16 off
  EXPECT_NEAR(mcnemar_exact_p(9, 1), 0.021484375, 1e-12);
  EXPECT_DOUBLE_EQ(mcnemar_exact_p(2, 1), 1.0);
  EXPECT_NEAR(mcnemar_exact_p(0, 5), 0.0625, 1e-12);
  EXPECT_DOUBLE_EQ(mcnemar_exact_p(0, 0), 1.0);

  const ResultFile base = base_file();  // every canary's authors' t-test p: 0.01 or 0.2
  ResultFile other = with_changes(base, 0.0);
  for (RunRecord& run : other.runs) {
    if (run.attributes.count(schema::kControlIdentity)) run.arrays[schema::kScoreMTtestP] = ArrayData::scalar(0.5);
  }
  const Table table = verdict_changes_table(base, other, {0.05});
  bool found = false;
  for (const auto& r : table.rows) {
    if (r[0] != "M t-test (authors)") continue;
    found = true;
    EXPECT_EQ(r[1], "5");
    EXPECT_EQ(r[2], "detections");
    EXPECT_EQ(r[4], "3") << "c7 rejects at all three seeds in BASE";
    EXPECT_EQ(r[5], "0");
    EXPECT_EQ(r[6], "3");
    EXPECT_EQ(r[7], "0");
    EXPECT_EQ(r[8], "0.25");
    // z = Φ⁻¹(1 − p): three canaries from 2.326 (p 0.01) and two from 0.8416 (p 0.2) to 0 (p 0.5).
    EXPECT_EQ(r[9].substr(0, 8), "-1.732 [") << r[9];
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace ufm
