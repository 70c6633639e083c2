#include "report/settings.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "report_records.h"

namespace ufm {
namespace {

using testing::model_sweep;
using testing::seed_sweep;

TEST(VaryingKeys, ParsesAssignmentsWhoseValuesContainCommasAndEquals) {
  const auto values = parse_varying_keys("train.seed=3;model.hidden=[512, 256];x=a=b");
  ASSERT_EQ(values.size(), 3u);
  EXPECT_EQ(values.at("train.seed"), "3");
  EXPECT_EQ(values.at("model.hidden"), "[512, 256]");
  EXPECT_EQ(values.at("x"), "a=b");
  EXPECT_TRUE(parse_varying_keys("").empty());
}

TEST(SettingValue, PrefersTheSweptValueAndFallsBackToTheConfig) {
  RunRecord run = testing::canary_run({"r", 1, 0, 5, 0.0, 1.0, 0.5, ""}, "mlp", "model.name=cnn2");
  EXPECT_EQ(setting_value(run, "model.name"), "cnn2");
  EXPECT_EQ(setting_value(run, "train.seed"), "5");
  EXPECT_FALSE(setting_value(run, "no.such").has_value());
}

TEST(DefaultGroupBy, IsEverySweptKeyExceptTheSeed) {
  ResultFile file = seed_sweep();
  file.runs[0].attributes[schema::kVaryingKeys] = std::string("train.seed=0;model.name=mlp");
  EXPECT_EQ(varying_keys(file), (std::vector<std::string>{"model.name", "train.seed"}));
  EXPECT_EQ(default_group_by(file), (std::vector<std::string>{"model.name"}));
  EXPECT_TRUE(seeds_vary(file));
  EXPECT_FALSE(seeds_vary(model_sweep()));
}

TEST(GroupRuns, SortsSettingsAndLinksEachCanaryToItsControlAtItsLabel) {
  const ResultFile file = model_sweep();
  const GroupedRuns grouped = group_runs(file, {"model.name"});
  ASSERT_EQ(grouped.settings.size(), 2u);
  EXPECT_EQ(grouped.settings[0].values, std::vector<std::string>{"cnn"});
  EXPECT_EQ(grouped.settings[1].values, std::vector<std::string>{"mlp"});
  const Setting& cnn = grouped.settings[0];
  ASSERT_EQ(cnn.canaries.size(), 3u);
  ASSERT_EQ(cnn.controls.size(), 1u);
  EXPECT_EQ(cnn.controls[0]->identity, "c-cnn");
  // Canary 10 has label 2: its control's M at label 2 is 2.0, not the mean or entry 0.
  EXPECT_EQ(cnn.canaries[0].index, 10);
  EXPECT_DOUBLE_EQ(cnn.canaries[0].control_m, 2.0);
  EXPECT_DOUBLE_EQ(cnn.canaries[0].difference(), 0.5);
  EXPECT_DOUBLE_EQ(cnn.canaries[1].difference(), 0.8);
  EXPECT_TRUE(std::isnan(cnn.canaries[2].control_m));
  EXPECT_EQ(setting_label(grouped.keys, cnn), "model.name=cnn");
}

TEST(GroupRuns, OrdersNumericValuesNumerically) {
  ResultFile file = seed_sweep();
  for (int seed : {10, 2}) {
    file.runs.push_back(testing::canary_run({"s" + std::to_string(seed), 7, 1, seed, 0.0, 1.0, 0.5, ""}, "mlp",
                                            "train.seed=" + std::to_string(seed)));
  }
  const GroupedRuns grouped = group_runs(file, {"train.seed"});
  std::vector<std::string> order;
  for (const auto& setting : grouped.settings) order.push_back(setting.values[0]);
  EXPECT_EQ(order, (std::vector<std::string>{"0", "1", "2", "10"}));
}

TEST(GroupRuns, GroupsByAKeyThatDidNotVaryUsingTheRunConfig) {
  const GroupedRuns grouped = group_runs(seed_sweep(), {"model.hidden"});
  ASSERT_EQ(grouped.settings.size(), 1u);
  EXPECT_EQ(grouped.settings[0].values, std::vector<std::string>{"[512, 256]"});
  EXPECT_EQ(grouped.settings[0].canaries.size(), 5u);
  EXPECT_EQ(grouped.settings[0].controls.size(), 3u);
}

TEST(GroupRuns, UnknownKeyIsAOneLineErrorNamingItAndTheAvailableKeys) {
  try {
    group_runs(seed_sweep(), {"trian.seed"}, "sweep.h5");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    const std::string message = error.what();
    EXPECT_EQ(message.find('\n'), std::string::npos);
    EXPECT_NE(message.find("sweep.h5"), std::string::npos) << message;
    EXPECT_NE(message.find("'trian.seed'"), std::string::npos) << message;
    EXPECT_NE(message.find("did you mean 'train.seed'"), std::string::npos) << message;
    EXPECT_NE(message.find("keys that vary: train.seed;"), std::string::npos) << message;
    EXPECT_NE(message.find("model.name"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace ufm
