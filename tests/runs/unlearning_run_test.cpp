// Unlearned variants through the real runner (issue "Unlearning the canary"): planning
// reuses the trained pairs, each unlearned model is its own record with its references and
// its source's scores under before/, resuming trains only what is missing, and no stored
// training record changes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "core/error.h"
#include "report/unlearning_audit.h"
#include "report/unlearning_table.h"
#include "runs/experiment_runner.h"
#include "runs/study.h"
#include "storage/pieces.h"
#include "storage/result_file.h"
#include "storage/schema.h"
#include "support/temp_dir.h"

namespace ufm {
namespace {

using ::testing::HasSubstr;

const char* kPairs = R"(
data: {name: synthetic}
ood: {dataset: synthetic, split: test, limit: 64}
feature: {pattern: random}
canaries: {count: 2, pairing: independent}
model: {hidden: [32, 16]}
train: {max_epochs: 2, batch_size: 64, learning_rate: 0.01, early_stopping: false}
evaluation: {exposure: true, candidates: 19, candidate_probe_limit: 64}
execution: {progress: false, threads: 1}
)";

std::string with_variants(const std::string& variants) {
  return std::string(kPairs) + "sweep:\n  unlearning:\n" + variants;
}

const std::string kTwoVariants =
    "    finetune_1: {unlearning.method: finetune, unlearning.epochs: 1}\n"
    "    neggrad_5: {unlearning.method: neggrad, unlearning.steps: 5, unlearning.learning_rate: 0.01}\n";

ExperimentOutcome run_yaml(const std::string& yaml, const std::string& output) {
  return run_experiment(experiment_points(yaml, "test.yaml", {"output.path=" + output}), yaml);
}

// Bit-for-bit equality of two arrays' values, NaN equal to NaN.
bool same_values(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])))) return false;
  }
  return true;
}

std::map<std::string, const RunRecord*> by_identity(const ResultFile& file) {
  std::map<std::string, const RunRecord*> out;
  for (const auto& run : file.runs) out[run.identity] = &run;
  return out;
}

// Property: per pair, the variants share one trained canary, control and retrained reference
// (whose identities are those of the same experiment without unlearning), and each variant
// adds an unlearned control and an unlearned canary linked to them.
TEST(UnlearningPlan, ReusesTheTrainedPairsForEveryVariant) {
  const ExperimentPlan plan = plan_from_points(experiment_points(with_variants(kTwoVariants), "t.yaml", {}));
  const ExperimentPlan plain = plan_from_points(experiment_points(kPairs, "t.yaml", {}));
  std::set<std::string> trained, plain_identities;
  for (const auto& run : plain.runs) plain_identities.insert(run.identity);
  std::size_t unlearned = 0, retrained = 0;
  for (const auto& run : plan.runs) {
    if (run.unlearns()) {
      ++unlearned;
    } else if (run.is_retrained_reference()) {
      ++retrained;
    } else {
      trained.insert(run.identity);
      EXPECT_TRUE(run.keeps_weights);
    }
  }
  EXPECT_EQ(trained, plain_identities);  // 2 canaries + 2 controls, as without unlearning
  EXPECT_EQ(retrained, 2u);
  EXPECT_EQ(unlearned, 8u);  // 2 variants x 2 pairs x (control, canary)
  EXPECT_EQ(plan.runs.size(), 14u);
  for (const auto& run : plan.runs) {
    if (!run.unlearns() || run.is_control()) continue;
    EXPECT_FALSE(run.never_seen_identity.empty());
    EXPECT_FALSE(run.retrained_identity.empty());
    EXPECT_TRUE(plain_identities.count(run.unlearned_from));
    EXPECT_TRUE(plain_identities.count(run.never_seen_identity));
  }
}

TEST(UnlearningPlan, RefusesAForgetIndexOutsideTheTrainingSet) {
  testing::TempDir dir;
  const std::string output = dir.file("bad.h5");
  const std::string yaml = with_variants("    f: {unlearning.method: finetune, unlearning.extra_forget: [512]}\n");
  try {
    run_yaml(yaml, output);
    FAIL() << "no ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr("unlearning.extra_forget: index 512 is outside the training set"));
  }
  EXPECT_FALSE(std::filesystem::exists(output));
}

// Property: an unlearned canary stores its references' M and exposure after and before
// unlearning, its source's scores under before/, and the forget image's fit; its history is
// its source's; the retrained reference differs from the control only by the dropped image.
TEST(UnlearningRun, StoresEachUnlearnedModelWithItsReferencesAndItsSourcesScores) {
  testing::TempDir dir;
  const std::string output = dir.file("u.h5");
  const ExperimentOutcome outcome = run_yaml(with_variants(kTwoVariants), output);
  EXPECT_EQ(outcome.runs_trained, 14u);
  const ResultFile file = read_result_file(output);
  ASSERT_EQ(file.runs.size(), 14u);
  const auto runs = by_identity(file);
  std::size_t canaries = 0;
  for (const auto& run : file.runs) {
    if (!run.has_attribute(schema::kUnlearnedFrom)) continue;
    const RunRecord& source = *runs.at(run.string_attribute(schema::kUnlearnedFrom));
    EXPECT_EQ(run.array(schema::kTrainLoss).as_doubles(), source.array(schema::kTrainLoss).as_doubles());
    EXPECT_TRUE(run.has_array(schema::kForgetLoss));
    EXPECT_TRUE(run.has_array(std::string(schema::kBeforePrefix) + schema::kForgetLoss));
    EXPECT_EQ(run.array(std::string(schema::kBeforePrefix) + schema::kTestAccuracy).as_doubles(),
              source.array(schema::kTestAccuracy).as_doubles());
    if (run.int_attribute(schema::kIsControl) != 0) continue;
    ++canaries;
    EXPECT_EQ(run.array(std::string(schema::kBeforePrefix) + schema::kScoreM).as_doubles(),
              source.array(schema::kScoreM).as_doubles());
    for (const char* reference :
         {schema::kReferenceRetrained, schema::kReferenceNeverSeen, schema::kReferenceSameProcedure}) {
      const std::string base = std::string(schema::kReferencesGroup) + "/" + reference + "/";
      for (const std::string& path : {base + schema::kReferenceM, base + schema::kReferenceExposure + "_p"}) {
        EXPECT_TRUE(run.has_array(path)) << path;
        EXPECT_TRUE(run.has_array(schema::kBeforePrefix + path)) << path;
      }
    }
    // Before unlearning, the control was reference (c): the same M as (b).
    const std::string same = std::string(schema::kBeforePrefix) + schema::kReferencesGroup + "/" +
                             schema::kReferenceSameProcedure + "/" + schema::kReferenceM;
    const std::string seen = std::string(schema::kBeforePrefix) + schema::kReferencesGroup + "/" +
                             schema::kReferenceNeverSeen + "/" + schema::kReferenceM;
    EXPECT_EQ(run.array(same).as_doubles(), run.array(seen).as_doubles());
    // The unlearned model is not its source.
    EXPECT_NE(run.array(schema::kScoreM).as_doubles(), source.array(schema::kScoreM).as_doubles());
    // Reference (a) is trained without the canary's index and is not the control.
    const RunRecord& retrained = *runs.at(run.string_attribute(schema::kRetrainedIdentity));
    EXPECT_EQ(retrained.string_attribute(schema::kRetrainedWithout), std::to_string(run.int_attribute(schema::kCanaryIndex)));
    const RunRecord& control = *runs.at(run.string_attribute(schema::kNeverSeenIdentity));
    EXPECT_NE(retrained.array(schema::kTrainLoss).as_doubles(), control.array(schema::kTrainLoss).as_doubles());
  }
  EXPECT_EQ(canaries, 4u);
  EXPECT_TRUE(has_unlearning_runs(file));
  const Table table = unlearning_table(file);
  EXPECT_EQ(table.rows.size(), 6u);  // 2 variants x 3 references

  // The audit before and after unlearning reads each unlearned canary's own exposure and its
  // control's, as trained (before/) and unlearned: one row per variant over its 2 pairs, and
  // the before-game is the same trained models for every variant.
  for (const auto& run : file.runs) {
    if (!run.has_attribute(schema::kUnlearnedFrom) || run.int_attribute(schema::kIsControl) != 0) continue;
    EXPECT_TRUE(run.has_array(schema::kExposureControl));
    EXPECT_TRUE(run.has_array(schema::before_unlearning(schema::kExposureControl)));
  }
  const Table audit = unlearning_audit_table(file);
  ASSERT_EQ(audit.rows.size(), 2u);
  for (const auto& row : audit.rows) {
    ASSERT_EQ(row.size(), audit.header.size());
    EXPECT_EQ(row[1], "2");
    EXPECT_EQ(row[2], "1+1 / 1+1");
    EXPECT_EQ(row[3], audit.rows[0][3]) << "epsilon lower before";
    EXPECT_EQ(row[4], audit.rows[0][4]) << "mu lower before";
    EXPECT_NE(row[5], "") << "epsilon lower after";
  }
}

// Property: adding a variant and resuming trains only its unlearned models, and every record
// already stored (the trained pairs included) comes back bit for bit unchanged.
TEST(UnlearningRun, ResumingWithAnotherVariantTrainsOnlyItsUnlearnedModels) {
  testing::TempDir dir;
  const std::string output = dir.file("u.h5");
  const std::string first = "    finetune_1: {unlearning.method: finetune, unlearning.epochs: 1}\n";
  run_yaml(with_variants(first), output);
  const ResultFile before = read_result_file(output);
  ASSERT_EQ(before.runs.size(), 10u);
  const ExperimentOutcome more =
      run_yaml(with_variants(first + "    localized: {unlearning.method: localized, unlearning.reset_fraction: 0.1}\n"),
               output);
  EXPECT_EQ(more.runs_trained, 4u);
  EXPECT_EQ(more.runs_already_done, 10u);
  const ResultFile after = read_result_file(output);
  const auto stored = by_identity(after);
  for (const auto& run : before.runs) {
    ASSERT_TRUE(stored.count(run.identity)) << run.identity;
    const RunRecord& again = *stored.at(run.identity);
    ASSERT_EQ(again.arrays.size(), run.arrays.size()) << run.identity;
    for (const auto& [path, array] : run.arrays) {
      EXPECT_TRUE(same_values(again.array(path).as_doubles(), array.as_doubles())) << run.identity << " " << path;
    }
  }
}

// Property: the pieces of an unlearning experiment merge (ufm merge, the Slurm path) into
// the file the single-machine run wrote: every unlearned run's stored config reads back and
// hashes to its identity, although a run's config alone would not pass the experiment's
// design rules (its canaries.controls is false).
TEST(UnlearningRun, PiecesMergeIntoTheSingleMachineFile) {
  testing::TempDir dir;
  const std::string output = dir.file("u.h5");
  run_yaml(with_variants(kTwoVariants), output);
  const ResultFile single = read_result_file(output);
  const std::string merged = dir.file("merged.h5");
  const MergeSummary summary = merge_study(pieces_directory(output), merged);
  const ResultFile file = read_result_file(merged);
  ASSERT_EQ(file.runs.size(), single.runs.size());
  const auto stored = by_identity(single);
  for (const auto& run : file.runs) {
    ASSERT_TRUE(stored.count(run.identity)) << run.identity;
    EXPECT_TRUE(same_values(run.array(schema::kScoreM).as_doubles(), stored.at(run.identity)->array(schema::kScoreM).as_doubles()));
  }
  EXPECT_EQ(unlearning_table(file).rows.size(), 6u);
  EXPECT_EQ(summary.runs_added, single.runs.size());
  EXPECT_TRUE(summary.corrupt.empty());
}

}  // namespace
}  // namespace ufm
