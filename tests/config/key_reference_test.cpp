// docs/keys.md is generated from the option declarations, never kept by hand: this test
// fails when a declaration changed and the file was not regenerated
// (build/ufm keys --markdown > docs/keys.md).
#include "config/experiment_config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "support/temp_dir.h"

namespace ufm {
namespace {

TEST(KeyReference, DocsKeysIsWhatTheDeclarationsGenerate) {
  std::ifstream in(testing::source_path("docs/keys.md"));
  ASSERT_TRUE(in) << "docs/keys.md is missing";
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), key_reference_markdown()) << "regenerate it: build/ufm keys --markdown > docs/keys.md";
}

TEST(KeyReference, ListsEveryKeyOnceWithItsIdentityRole) {
  const std::string reference = key_reference_markdown();
  for (const char* row : {"| `train.max_epochs` | `100` | >= 1 | yes |", "| `execution.threads` | `2` |",
                          "| `name` | `experiment` |", "| `canaries.pairing` | `shared` | shared \\| independent | yes |"}) {
    EXPECT_NE(reference.find(row), std::string::npos) << row;
  }
  EXPECT_NE(reference.find("| `output.path` |"), std::string::npos);
  EXPECT_NE(reference.find("| no | result file"), std::string::npos);  // output is not part of the identity
}

}  // namespace
}  // namespace ufm
