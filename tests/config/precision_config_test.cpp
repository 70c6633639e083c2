// train.precision: part of a run's identity only when it is not the default fp32 (so every
// stored identity stays what it was), validated by name, and refused with DP-SGD.
#include <gtest/gtest.h>

#include "config/experiment_config.h"
#include "config_error.h"
#include "core/error.h"

namespace ufm {
namespace {

// Property: fp32 leaves the stored and scientific configs unchanged; bf16 enters both and
// survives a round trip.
TEST(PrecisionConfig, Fp32IsLeftOutOfIdentitiesAndBf16IsPartOfThem) {
  const ExperimentConfig plain = parse_experiment_config("", "x.yaml");
  EXPECT_EQ(scientific_yaml(plain).find("precision"), std::string::npos);
  EXPECT_EQ(scientific_yaml(parse_experiment_config("", "x.yaml", {"train.precision=fp32"})), scientific_yaml(plain));
  const ExperimentConfig bf16 = parse_experiment_config("", "x.yaml", {"train.precision=bf16"});
  EXPECT_NE(scientific_yaml(bf16).find("precision: bf16"), std::string::npos) << scientific_yaml(bf16);
  EXPECT_EQ(to_yaml(parse_experiment_config(to_yaml(bf16), "again.yaml")), to_yaml(bf16));
}

// Property: an unknown precision and bf16 with DP-SGD are one ConfigError naming the key.
TEST(PrecisionConfig, RefusesAnUnknownPrecisionAndBf16WithPrivateTraining) {
  EXPECT_NE(testing::config_error_of({"train.precision=fp16"}).find("train.precision"), std::string::npos);
  const std::string dp = testing::config_error_of(
      {"train.precision=bf16", "privacy.enabled=true", "privacy.noise_multiplier=1", "train.shuffle=false"});
  EXPECT_NE(dp.find("train.precision: bf16 is not available with privacy.enabled"), std::string::npos) << dp;
}

// Property: auto is a valid value, with DP too (there it resolves to fp32: runs/experiment_runner.h).
TEST(PrecisionConfig, AcceptsAutoAlsoWithPrivateTraining) {
  EXPECT_EQ(parse_experiment_config("", "x.yaml", {"train.precision=auto"}).train.precision, PrecisionChoice::kAuto);
  EXPECT_NO_THROW(parse_experiment_config(
      "", "x.yaml", {"train.precision=auto", "privacy.enabled=true", "privacy.noise_multiplier=1", "train.shuffle=false"}));
}

}  // namespace
}  // namespace ufm
