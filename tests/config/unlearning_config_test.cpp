// The unlearning block: left out of stored configs and identities until used, validated like
// every block, refused without the references its comparison needs.
#include <gtest/gtest.h>

#include "config/experiment_config.h"
#include "config_error.h"
#include "core/error.h"

namespace ufm {
namespace {

std::string error_of(const std::vector<std::string>& overrides) { return testing::config_error_of(overrides); }

const std::vector<std::string> kComplete = {"canaries.controls=true", "evaluation.exposure=true",
                                            "canaries.pairing=independent", "feature.pattern=random"};

std::vector<std::string> with(std::vector<std::string> overrides) {
  overrides.insert(overrides.end(), kComplete.begin(), kComplete.end());
  return overrides;
}

// Property: a config without unlearning has no unlearning block in its stored or scientific
// form, so every training identity stays what it was before unlearning existed.
TEST(UnlearningConfig, IsLeftOutOfStoredConfigsUntilUsed) {
  const ExperimentConfig plain = parse_experiment_config("", "x.yaml");
  EXPECT_EQ(to_yaml(plain).find("unlearning"), std::string::npos);
  EXPECT_EQ(scientific_yaml(plain).find("unlearning"), std::string::npos);
  const ExperimentConfig unlearned = parse_experiment_config("", "x.yaml", with({"unlearning.method=finetune"}));
  EXPECT_NE(scientific_yaml(unlearned).find("unlearning:"), std::string::npos);
  EXPECT_EQ(to_yaml(parse_experiment_config(to_yaml(unlearned), "again.yaml")), to_yaml(unlearned));
}

// Property: impossible settings are one ConfigError naming the key.
TEST(UnlearningConfig, RefusesBadSettingsNamingTheKey) {
  EXPECT_NE(error_of(with({"unlearning.method=forget"})).find("unlearning.method"), std::string::npos);
  EXPECT_NE(error_of(with({"unlearning.method=neggrad", "unlearning.steps=-1"})).find("unlearning.steps: expected >= 0"),
            std::string::npos);
  EXPECT_NE(error_of(with({"unlearning.method=finetune", "unlearning.epochs=-2"})).find("unlearning.epochs"),
            std::string::npos);
  EXPECT_NE(error_of(with({"unlearning.method=localized", "unlearning.reset_fraction=1.5"}))
                .find("unlearning.reset_fraction"),
            std::string::npos);
  EXPECT_NE(error_of(with({"unlearning.method=localized", "unlearning.reset_fraction=-0.1"}))
                .find("unlearning.reset_fraction"),
            std::string::npos);
  EXPECT_NE(error_of(with({"unlearning.method=finetune", "unlearning.reset_fraction=0.1"}))
                .find("unlearning.reset_fraction: 0.1 is used by unlearning.method=localized only"),
            std::string::npos);
  EXPECT_NE(error_of(with({"unlearning.method=finetune", "unlearning.extra_forget=[3,3]"})).find("listed twice"),
            std::string::npos);
  EXPECT_NE(error_of(with({"unlearning.method=finetune", "unlearning.learning_rate=0"}))
                .find("unlearning.learning_rate"),
            std::string::npos);
}

// Property: unlearning without the references its comparison reads is refused up front.
TEST(UnlearningConfig, RefusesUnlearningWithoutItsReferences) {
  EXPECT_NE(error_of({"unlearning.method=finetune", "evaluation.exposure=true", "canaries.controls=false"}).find("canaries.controls=true"),
            std::string::npos);
  EXPECT_NE(error_of({"unlearning.method=finetune", "canaries.controls=true"}).find("evaluation.exposure=true"),
            std::string::npos);
}

}  // namespace
}  // namespace ufm
