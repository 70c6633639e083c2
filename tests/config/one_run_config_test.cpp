// canaries.mode one_run: read like every option, and refused with one line naming the key
// where an audit from one training would not be valid.
#include <gtest/gtest.h>

#include "config/experiment_config.h"
#include "config_error.h"
#include "core/error.h"

namespace ufm {
namespace {

const std::vector<std::string> kOneRun = {"canaries.mode=one_run", "canaries.pairing=independent",
                                          "canaries.controls=false", "canaries.count=100", "feature.pattern=random"};

std::string error_of(std::vector<std::string> overrides) {
  std::vector<std::string> all = kOneRun;
  all.insert(all.end(), overrides.begin(), overrides.end());
  return testing::config_error_of(all);
}

// Property: a valid one-run config reads back with its guesses (−1 = count/10 each); the new
// keys stay out of stored configs of paired runs, so their identities do not move.
TEST(OneRunConfig, ReadsAndResolvesTheGuesses) {
  const ExperimentConfig config = parse_experiment_config("", "x.yaml", kOneRun);
  EXPECT_TRUE(config.canaries.one_run());
  EXPECT_EQ(config.canaries.resolved_guess_stamped(), 10);
  EXPECT_EQ(config.canaries.resolved_guess_not_stamped(), 10);
  const std::string paired = scientific_yaml(parse_experiment_config("", "x.yaml"));
  for (const char* key : {"mode:", "guess_stamped", "guess_not_stamped", "null_audit"}) {
    EXPECT_EQ(paired.find(std::string("\n  ") + key), std::string::npos) << key;
  }
  EXPECT_NE(scientific_yaml(config).find("\n  mode: one_run"), std::string::npos);
}

// Property: each combination the issue names as bad input is refused naming its key.
TEST(OneRunConfig, RefusesWhatOneTrainingCannotAudit) {
  EXPECT_NE(error_of({"canaries.pairing=shared"}).find("canaries.pairing"), std::string::npos);
  EXPECT_NE(error_of({"canaries.select=most_influential"}).find("canaries.select"), std::string::npos);
  EXPECT_NE(error_of({"canaries.controls=true"}).find("canaries.controls"), std::string::npos);
  EXPECT_NE(error_of({"canaries.guess_stamped=60", "canaries.guess_not_stamped=41"}).find("canaries.guess_stamped"),
            std::string::npos);
  try {
    parse_experiment_config("", "x.yaml", {"canaries.null_audit=true"});
    FAIL() << "null_audit without one_run was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("canaries.null_audit"), std::string::npos);
  }
}

}  // namespace
}  // namespace ufm
