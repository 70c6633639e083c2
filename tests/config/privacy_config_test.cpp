// The privacy block: read and validated like every block, left out of stored configs and
// identities while private training is off, refused in the combinations that cannot work.
#include <gtest/gtest.h>

#include <functional>

#include "config/experiment_config.h"
#include "config_error.h"
#include "core/error.h"

namespace ufm {
namespace {

std::string error_of(const std::vector<std::string>& overrides) { return testing::config_error_of(overrides); }

// Property: without private training the resolved config and the scientific form (the
// input of run identities) have no privacy block, so results stored before it existed keep
// their identities; turning it on puts it in both.
TEST(PrivacyConfig, IsLeftOutOfStoredConfigsUntilUsed) {
  const ExperimentConfig plain = parse_experiment_config("", "x.yaml");
  EXPECT_EQ(to_yaml(plain).find("privacy"), std::string::npos);
  EXPECT_EQ(scientific_yaml(plain).find("privacy"), std::string::npos);
  const ExperimentConfig private_run =
      parse_experiment_config("", "x.yaml", {"privacy.enabled=true", "privacy.noise_multiplier=2"});
  EXPECT_NE(to_yaml(private_run).find("privacy:"), std::string::npos);
  EXPECT_NE(scientific_yaml(private_run), scientific_yaml(plain));
  EXPECT_EQ(scientific_settings(private_run).at("privacy.noise_multiplier"), "2");
  // What is written reads back to the same config.
  EXPECT_EQ(to_yaml(parse_experiment_config(to_yaml(private_run), "again.yaml")), to_yaml(private_run));
}

// Property: bad privacy settings are one ConfigError naming the key and what is allowed.
TEST(PrivacyConfig, RefusesBadSettingsNamingTheKey) {
  EXPECT_NE(error_of({"privacy.noise_multiplier=-1"}).find("privacy.noise_multiplier: expected >= 0"), std::string::npos);
  EXPECT_NE(error_of({"privacy.clip_norm=0"}).find("privacy.clip_norm: expected > 0"), std::string::npos);
  EXPECT_NE(error_of({"privacy.delta=1"}).find("privacy.delta: expected in (0, 1), got 1"), std::string::npos);
  EXPECT_NE(error_of({"privacy.delta=0"}).find("privacy.delta: expected in (0, 1), got 0"), std::string::npos);
  EXPECT_NE(error_of({"privacy.sampling=fixed"}).find("privacy.sampling"), std::string::npos);
  EXPECT_NE(error_of({"privacy.neighbouring=swap"}).find("privacy.neighbouring"), std::string::npos);
  EXPECT_NE(error_of({"privacy.enabled=true", "model.batch_norm=true"}).find("batch norm"), std::string::npos);
  EXPECT_NE(error_of({"privacy.enabled=true", "privacy.sampling=shuffled"}).find("train.shuffle=true"),
            std::string::npos);
  EXPECT_NE(error_of({"privacy.target=attack", "privacy.attack_tpr=0.01", "privacy.attack_fpr=0.05"})
                .find("privacy.attack_tpr: 0.01 is not above privacy.attack_fpr"),
            std::string::npos);
  EXPECT_NE(error_of({"privacy.target=delta"}).find("privacy.target"), std::string::npos);
  EXPECT_NE(error_of({"privacy.references=none"}).find("privacy.references"), std::string::npos);
}

}  // namespace
}  // namespace ufm
