// A run's flattened settings: read from stored config YAML of any version (scalars without
// quotes, sequences as flow YAML, document order), stored as "key=value" lines that read back
// unchanged, and the same whether a record carries the settings attribute or only its YAML.
#include "config/stored_settings.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "storage/schema.h"

namespace ufm {
namespace {

TEST(StoredSettings, YamlLeavesAreFlattenedInDocumentOrderWithoutQuotes) {
  const std::string yaml = "a:\n  b:\n    c: \"1\"\n    d: 'it''s'\n  e: [512, 256]\nf: 3\ng: ''\nh:\n";
  const FlatSettings settings = flatten_config_yaml(yaml);
  EXPECT_EQ(settings, (FlatSettings{{"a.b.c", "1"}, {"a.b.d", "it's"}, {"a.e", "[512, 256]"}, {"f", "3"}, {"g", ""}}));
  EXPECT_EQ(find_setting(settings, "a.e") != nullptr ? *find_setting(settings, "a.e") : "", "[512, 256]");
  EXPECT_EQ(find_setting(settings, "a"), nullptr);
  EXPECT_THROW(flatten_config_yaml("a: [1, 2", "x.h5"), ConfigError);
}

TEST(StoredSettings, AResolvedConfigFlattensToItsTypedValues) {
  ExperimentConfig config;
  config.model.hidden = {64, 32};
  config.train.seed = 17;
  config.canaries.pairing = Pairing::kIndependent;
  const FlatSettings settings = flattened_settings(config);
  ASSERT_NE(find_setting(settings, "model.hidden"), nullptr);
  EXPECT_EQ(*find_setting(settings, "model.hidden"), "[64, 32]");
  EXPECT_EQ(*find_setting(settings, "train.seed"), "17");
  EXPECT_EQ(*find_setting(settings, "canaries.pairing"), "independent");
  // Every scientific key is there, with the value the identity hashes.
  for (const auto& [key, value] : scientific_settings(config)) {
    ASSERT_NE(find_setting(settings, key), nullptr) << key;
    const std::string flat = *find_setting(settings, key);
    EXPECT_TRUE(flat == value || "\"" + flat + "\"" == value || "'" + flat + "'" == value) << key << ": " << flat
                                                                                         << " vs " << value;
  }
}

TEST(StoredSettings, TheAttributeTextReadsBackUnchanged) {
  const FlatSettings settings = {{"x.y", "a=b"}, {"z", "[1, 2]"}, {"e", ""}};
  EXPECT_EQ(parse_settings_text(settings_text(settings)), settings);
}

TEST(StoredSettings, ANewRecordAndAnOldOneWithOnlyItsYamlGiveTheSameSettings) {
  ExperimentConfig config;
  config.train.seed = 5;
  RunRecord fresh, old;
  fresh.identity = "new";
  old.identity = "old";
  fresh.attributes[schema::kRunConfig] = old.attributes[schema::kRunConfig] = to_yaml(config);
  fresh.attributes[schema::kSettings] = settings_text(flattened_settings(config));
  EXPECT_EQ(run_settings(fresh), run_settings(old));
  EXPECT_FALSE(run_settings(fresh).empty());
  EXPECT_TRUE(run_settings(RunRecord{}).empty());
}

}  // namespace
}  // namespace ufm
