#include "runs/shards.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>

#include "core/error.h"
#include "runs/plan_fixtures.h"
#include "support/temp_dir.h"

namespace ufm {
namespace {

using ::testing::HasSubstr;

template <typename Error, typename Body>
std::string error_of(Body body) {
  try {
    body();
  } catch (const Error& error) {
    return error.what();
  }
  return "(no error)";
}

TEST(ParseShard, ReadsIndexAndCount) {
  const ShardSpec shard = parse_shard("2/5");
  EXPECT_EQ(shard.index, 2);
  EXPECT_EQ(shard.count, 5);
  EXPECT_EQ(parse_shard("0/1").count, 1);
}

TEST(ParseShard, RefusesOtherSyntaxAndIndicesPastTheCount) {
  for (const std::string bad : {"1", "1-3", "a/b", "-1/3", "1/", "/3", "1/3/4", "", " 1/3"}) {
    SCOPED_TRACE(bad);
    EXPECT_THAT(error_of<ConfigError>([&] { parse_shard(bad); }), HasSubstr("--shard: expected I/N"));
  }
  EXPECT_THAT(error_of<ConfigError>([] { parse_shard("4/4"); }), HasSubstr("must be less than N (0 to 3)"));
  EXPECT_THAT(error_of<ConfigError>([] { parse_shard("0/0"); }), HasSubstr("at least 1"));
}

class SlurmEnvironment : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const char* name : {"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN"}) unsetenv(name);
  }
};

TEST_F(SlurmEnvironment, GivesTheShardOfAnArrayTaskCountingFromTheArraysFirstId) {
  EXPECT_FALSE(shard_from_slurm_environment().has_value());
  setenv("SLURM_ARRAY_TASK_ID", "7", 1);
  setenv("SLURM_ARRAY_TASK_COUNT", "3", 1);
  setenv("SLURM_ARRAY_TASK_MIN", "5", 1);
  const auto shard = shard_from_slurm_environment();
  ASSERT_TRUE(shard.has_value());
  EXPECT_EQ(shard->index, 2);
  EXPECT_EQ(shard->count, 3);
}

TEST_F(SlurmEnvironment, RefusesATaskOutsideAContiguousArray) {
  setenv("SLURM_ARRAY_TASK_ID", "9", 1);
  setenv("SLURM_ARRAY_TASK_COUNT", "3", 1);
  setenv("SLURM_ARRAY_TASK_MIN", "5", 1);
  EXPECT_THAT(error_of<ConfigError>([] { shard_from_slurm_environment(); }), HasSubstr("SLURM_ARRAY_TASK_ID=9"));
  unsetenv("SLURM_ARRAY_TASK_MIN");
  EXPECT_THAT(error_of<ConfigError>([] { shard_from_slurm_environment(); }), HasSubstr("SLURM_ARRAY_TASK_MIN"));
}

TEST(AssignShards, LoadsDifferByAtMostTheLargestUnit) {
  const std::vector<double> costs = {5, 1, 1, 1, 1, 1, 3, 2, 2, 4};
  for (int shards = 1; shards <= 6; ++shards) {
    SCOPED_TRACE(shards);
    const std::vector<int> shard_of = assign_shards(costs, shards);
    std::vector<double> load(shards, 0.0);
    for (std::size_t i = 0; i < costs.size(); ++i) {
      ASSERT_GE(shard_of[i], 0);
      ASSERT_LT(shard_of[i], shards);
      load[shard_of[i]] += costs[i];
    }
    const double spread = *std::max_element(load.begin(), load.end()) - *std::min_element(load.begin(), load.end());
    EXPECT_LE(spread, 5.0);
    EXPECT_EQ(assign_shards(costs, shards), shard_of) << "the same costs must give the same assignment";
  }
  // Greedy longest-first splits {5,1,1,1,1,1} evenly.
  const std::vector<int> even = assign_shards({5, 1, 1, 1, 1, 1}, 2);
  EXPECT_EQ(std::count(even.begin(), even.end(), 0), 1);
}

TEST(CurrentStage, IsTheLowestStageWithAMissingRun) {
  const ExperimentPlan plan = testing::seed_sweep_plan(2, 2);
  std::set<std::string> done;
  EXPECT_EQ(current_stage(plan, done), 1);
  for (const auto& run : plan.runs) {
    if (run.is_control()) done.insert(run.identity);
  }
  EXPECT_EQ(current_stage(plan, done), 2);
  for (const auto& run : plan.runs) done.insert(run.identity);
  EXPECT_EQ(current_stage(plan, done), 0);
}

// Every run of `stage` in exactly one of `shards` shards.
void expect_partition(const ExperimentPlan& plan, int stage, int shards, const std::string& units_file = "") {
  std::map<std::string, int> owners;
  for (int i = 0; i < shards; ++i) {
    for (const auto& identity : shard_runs(plan, {}, ShardRequest{ShardSpec{i, shards}, stage, units_file})) {
      ++owners[identity];
    }
  }
  std::size_t expected = 0;
  for (const auto& run : plan.runs) {
    if (run_stage(run) != stage) continue;
    ++expected;
    EXPECT_EQ(owners[run.identity], 1) << run.identity;
  }
  EXPECT_EQ(owners.size(), expected);
}

TEST(ShardRuns, EveryRunOfAStageBelongsToExactlyOneShard) {
  const ExperimentPlan plan = testing::seed_sweep_plan(3, 4);
  for (int shards = 1; shards <= 7; ++shards) {
    SCOPED_TRACE(shards);
    expect_partition(plan, 1, shards);
    expect_partition(plan, 2, shards);
  }
}

TEST(ShardRuns, AssignmentDoesNotChangeWhileOtherShardsFinish) {
  const ExperimentPlan plan = testing::seed_sweep_plan(3, 4);
  std::set<std::string> done;
  for (const auto& run : plan.runs) {
    if (run.is_control()) done.insert(run.identity);
  }
  const ShardRequest request{ShardSpec{1, 4}, 0, ""};
  const auto before = shard_runs(plan, done, request);
  // Half the canaries finish meanwhile: shard 1 still owns the same runs.
  int n = 0;
  for (const auto& run : plan.runs) {
    if (!run.is_control() && n++ % 2 == 0) done.insert(run.identity);
  }
  EXPECT_EQ(shard_runs(plan, done, request), before);
  EXPECT_FALSE(before.empty());
}

TEST(UnitList, RoundTripsAndDrivesTheShards) {
  const ExperimentPlan plan = testing::seed_sweep_plan(3, 2);
  std::set<std::string> done = {plan.runs[1].identity};  // one canary already done
  const UnitList list = missing_units(plan, done, 2, 4);
  EXPECT_EQ(list.stage, 2);
  EXPECT_EQ(list.units.size(), 5u);
  EXPECT_EQ(list.shards, 4);
  for (const auto& unit : list.units) EXPECT_FALSE(done.count(unit.identities.front()));

  testing::TempDir temp;
  const std::string path = temp.file("units-stage2.txt");
  write_unit_list(path, list);
  const UnitList read = read_unit_list(path);
  EXPECT_EQ(read.stage, 2);
  EXPECT_EQ(read.shards, 4);
  ASSERT_EQ(read.units.size(), list.units.size());
  for (std::size_t i = 0; i < read.units.size(); ++i) {
    EXPECT_EQ(read.units[i].shard, list.units[i].shard);
    EXPECT_EQ(read.units[i].identities, list.units[i].identities);
  }
  std::map<std::string, int> owners;
  for (int i = 0; i < 4; ++i) {
    for (const auto& identity : shard_runs(plan, {}, ShardRequest{ShardSpec{i, 4}, 0, path})) ++owners[identity];
  }
  EXPECT_EQ(owners.size(), 5u);
  for (const auto& [identity, count] : owners) EXPECT_EQ(count, 1);
}

TEST(UnitList, NeverHasMoreShardsThanUnits) {
  const ExperimentPlan plan = testing::seed_sweep_plan(2, 2);
  EXPECT_EQ(missing_units(plan, {}, 1, 10).shards, 2);
  EXPECT_EQ(missing_units(plan, {}, 2, 0).shards, 4) << "0 = one shard per unit";
}

TEST(UnitList, RefusesAnotherShardCountOrARunTheConfigDoesNotPlan) {
  const ExperimentPlan plan = testing::seed_sweep_plan(2, 2);
  testing::TempDir temp;
  const std::string path = temp.file("units.txt");
  write_unit_list(path, missing_units(plan, {}, 2, 2));
  EXPECT_THAT(error_of<ConfigError>([&] { shard_runs(plan, {}, ShardRequest{ShardSpec{0, 3}, 0, path}); }),
              HasSubstr("into 2 shards, not 3"));
  const ExperimentPlan other = testing::seed_sweep_plan(1, 2);
  EXPECT_THAT(error_of<ConfigError>([&] { shard_runs(other, {}, ShardRequest{ShardSpec{0, 2}, 0, path}); }),
              HasSubstr("that this config does not plan"));
}

TEST(UnitList, NamesTheLineOfAMalformedFile) {
  testing::TempDir temp;
  const std::string path = temp.file("bad.txt");
  std::ofstream(path) << "stage 1\nshards 2\nunit 5 abc\n";
  EXPECT_THAT(error_of<DataError>([&] { read_unit_list(path); }), HasSubstr(path + ":3:"));
  std::ofstream(path) << "# nothing\n";
  EXPECT_THAT(error_of<DataError>([&] { read_unit_list(path); }), HasSubstr("not a unit list"));
  EXPECT_THAT(error_of<DataError>([&] { read_unit_list(temp.file("missing.txt")); }), HasSubstr("cannot open"));
}

TEST(RestrictFaultToShard, KeepsTheFaultArmedOnlyInTheChosenShard) {
  setenv("UFM_FAULT_SHARD", "2:1", 1);
  setenv("UFM_FAULT", "train_step:3", 1);
  restrict_fault_to_shard(2, ShardSpec{1, 3});
  EXPECT_NE(std::getenv("UFM_FAULT"), nullptr);
  restrict_fault_to_shard(1, ShardSpec{1, 3});
  EXPECT_EQ(std::getenv("UFM_FAULT"), nullptr);
  setenv("UFM_FAULT", "train_step:3", 1);
  restrict_fault_to_shard(0, std::nullopt);
  EXPECT_EQ(std::getenv("UFM_FAULT"), nullptr) << "a merge or a plain run is not a shard";
  unsetenv("UFM_FAULT_SHARD");
  setenv("UFM_FAULT", "train_step:3", 1);
  restrict_fault_to_shard(0, std::nullopt);
  EXPECT_NE(std::getenv("UFM_FAULT"), nullptr) << "without UFM_FAULT_SHARD the fault applies everywhere";
  unsetenv("UFM_FAULT");
}

}  // namespace
}  // namespace ufm
