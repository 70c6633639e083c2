#include "config/sweep.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ufm {
namespace {

const char* const kSweepYaml = R"(
name: swept
train:
  max_epochs: 3
sweep:
  train.seed: [0, 1, 2]
  model.hidden: [[512, 256], [1024]]
)";

std::string sweep_error(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  try {
    expand_sweep(yaml, "s.yaml", overrides);
  } catch (const ConfigError& error) {
    return error.what();
  }
  ADD_FAILURE() << "no ConfigError";
  return "";
}

TEST(ReadSweepBlock, ReturnsAxesInWrittenOrderAsYamlText) {
  const auto axes = read_sweep_block(kSweepYaml, "s.yaml");
  ASSERT_EQ(axes.size(), 2u);
  EXPECT_EQ(axes[0].first, "train.seed");
  EXPECT_EQ(axes[0].second, (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_EQ(axes[1].first, "model.hidden");
  EXPECT_EQ(axes[1].second, (std::vector<std::string>{"[512, 256]", "[1024]"}));
  EXPECT_TRUE(read_sweep_block("name: plain\n", "s.yaml").empty());
}

TEST(ReadSweepBlock, RejectsUnknownKeysWrongTypesAndNonLists) {
  EXPECT_EQ(sweep_error("sweep:\n  train.sed: [1, 2]\n"),
            "s.yaml: sweep: unknown key 'train.sed' (did you mean 'train.seed'?)");
  EXPECT_EQ(sweep_error("sweep:\n  train.seed: [1, -2]\n"),
            "s.yaml: sweep: train.seed: expected a non-negative integer, got '-2'");
  EXPECT_EQ(sweep_error("sweep:\n  model.hidden: [512, 256]\n"),
            "s.yaml: sweep: model.hidden: expected a list of integers, got '512'");
  EXPECT_EQ(sweep_error("sweep:\n  train.seed: 3\n"),
            "s.yaml: sweep: train.seed: expected a non-empty list of values, got '3'");
  EXPECT_EQ(sweep_error("sweep:\n  train.seed: []\n"),
            "s.yaml: sweep: train.seed: expected a non-empty list of values, got a list");
  EXPECT_EQ(sweep_error("sweep: [1, 2]\n"), "s.yaml: sweep: expected a map of key: [values], got a list");
}

TEST(SweepPoints, AreTheCartesianProductInRowMajorOrder) {
  const auto points = sweep_points(kSweepYaml, "s.yaml");
  const std::vector<std::vector<std::string>> expected = {
      {"train.seed=0", "model.hidden=[512, 256]"}, {"train.seed=0", "model.hidden=[1024]"},
      {"train.seed=1", "model.hidden=[512, 256]"}, {"train.seed=1", "model.hidden=[1024]"},
      {"train.seed=2", "model.hidden=[512, 256]"}, {"train.seed=2", "model.hidden=[1024]"}};
  EXPECT_EQ(points, expected);
  EXPECT_EQ(sweep_points("name: plain\n", "s.yaml"), (std::vector<std::vector<std::string>>{{}}));
}

TEST(ExpandSweep, GivesOneConfigPerPointMatchingItsAssignments) {
  const auto configs = expand_sweep(kSweepYaml, "s.yaml");
  ASSERT_EQ(configs.size(), 6u);
  for (std::size_t i = 0; i < configs.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(configs[i].train.seed, i / 2);
    EXPECT_EQ(configs[i].model.hidden,
              i % 2 == 0 ? (std::vector<std::int64_t>{512, 256}) : (std::vector<std::int64_t>{1024}));
    EXPECT_EQ(configs[i].train.max_epochs, 3);  // the file's other keys apply to every point
    EXPECT_EQ(configs[i].name, "swept");
  }
}

TEST(ExpandSweep, OverridesApplyToEveryPointAndReplaceASweptAxis) {
  const std::vector<std::string> overrides = {"train.max_epochs=9", "train.seed=5"};
  const auto configs = expand_sweep(kSweepYaml, "s.yaml", overrides);
  ASSERT_EQ(configs.size(), 2u);
  EXPECT_EQ(sweep_points(kSweepYaml, "s.yaml", overrides),
            (std::vector<std::vector<std::string>>{{"train.seed=5", "model.hidden=[512, 256]"},
                                                   {"train.seed=5", "model.hidden=[1024]"}}));
  for (const auto& config : configs) {
    EXPECT_EQ(config.train.seed, 5u);
    EXPECT_EQ(config.train.max_epochs, 9);
  }
  EXPECT_EQ(configs[1].model.hidden, (std::vector<std::int64_t>{1024}));
}

TEST(ExpandSweep, WithoutSweepBlockIsTheSingleParsedConfig) {
  const auto configs = expand_sweep("train:\n  seed: 4\n", "s.yaml", {"train.patience=2"});
  ASSERT_EQ(configs.size(), 1u);
  EXPECT_EQ(to_yaml(configs[0]), to_yaml(parse_experiment_config("train:\n  seed: 4\n", "s.yaml",
                                                                 {"train.patience=2"})));
}

TEST(ExpandSweep, PlainParseIgnoresTheSweepBlock) {
  const ExperimentConfig base = parse_experiment_config(kSweepYaml, "s.yaml");
  EXPECT_EQ(base.train.seed, TrainingOptions{}.seed);
  EXPECT_EQ(base.model.hidden, ModelOptions{}.hidden);
  EXPECT_EQ(parse_experiment_config("", "s.yaml", {}).name, "experiment");
}

TEST(ExpandSweep, CommandLineAddsOrReplacesAnAxis) {
  const auto added = expand_sweep("", "s.yaml", {"sweep.train.seed=[3, 4, 5]"});
  ASSERT_EQ(added.size(), 3u);
  EXPECT_EQ(added[2].train.seed, 5u);
  const auto replaced = expand_sweep(kSweepYaml, "s.yaml", {"sweep.train.seed=[7]"});
  for (const auto& config : replaced) EXPECT_EQ(config.train.seed, 7u);
  EXPECT_NE(sweep_error("", {"sweep.train.sed=[1]"}).find("did you mean 'train.seed'"), std::string::npos);
  EXPECT_NE(sweep_error("", {"sweep.train.seed=1"}).find("expected a non-empty list"), std::string::npos);
}

TEST(ExpandSweep, ValidationErrorsNameThePoint) {
  EXPECT_EQ(sweep_error("sweep:\n  train.batch_size: [8, 0]\n"),
            "s.yaml [train.batch_size=0]: train.batch_size: expected >= 1, got 0");
}

TEST(ExpandSweep, StringValuesSurviveTheRoundTripThroughText) {
  const auto configs = expand_sweep("sweep:\n  name: ['a: b', '12', 'null']\n", "s.yaml");
  ASSERT_EQ(configs.size(), 3u);
  EXPECT_EQ(configs[0].name, "a: b");
  EXPECT_EQ(configs[1].name, "12");
  EXPECT_EQ(configs[2].name, "null");
}

}  // namespace
}  // namespace ufm

namespace ufm {
namespace {

constexpr const char* kNamedSweep =
    "sweep:\n"
    "  defence:\n"
    "    none: {}\n"
    "    dropout: {model.dropout: true}\n"
    "    dropout_augmentation: {model.dropout: true, augmentation.enabled: true}\n"
    "  train.seed: [0, 1]\n";

TEST(NamedSweepAxis, EachVariantSetsSeveralKeys) {
  const auto configs = expand_sweep(kNamedSweep, "n.yaml");
  ASSERT_EQ(configs.size(), 6u);
  EXPECT_FALSE(configs[0].model.dropout);
  EXPECT_TRUE(configs[2].model.dropout);
  EXPECT_FALSE(configs[2].augmentation.enabled);
  EXPECT_TRUE(configs[4].model.dropout);
  EXPECT_TRUE(configs[4].augmentation.enabled);
  EXPECT_EQ(configs[5].train.seed, 1u);
  const auto points = sweep_points(kNamedSweep, "n.yaml");
  EXPECT_EQ(points[4], (std::vector<std::string>{"defence=dropout_augmentation", "train.seed=0"}));
}

TEST(NamedSweepAxis, CommandLinePicksOneVariant) {
  const auto configs = expand_sweep(kNamedSweep, "n.yaml", {"defence=dropout", "train.max_epochs=3"});
  ASSERT_EQ(configs.size(), 2u);
  for (const auto& config : configs) {
    EXPECT_TRUE(config.model.dropout);
    EXPECT_EQ(config.train.max_epochs, 3);
  }
  EXPECT_THROW(expand_sweep(kNamedSweep, "n.yaml", {"defence=dropuot"}), ConfigError);
}

TEST(NamedSweepAxis, RejectsUnknownKeysInsideVariants) {
  try {
    expand_sweep("sweep:\n  defence:\n    bad: {model.dropuot: true}\n", "n.yaml");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("model.dropuot"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace ufm
