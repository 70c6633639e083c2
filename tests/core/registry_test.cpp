// The name → factory registry: products by name, and a misspelt name answered with the
// nearest valid one and the full list, as a ConfigError (a user's mistake, not a crash).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/registry.h"

namespace ufm {
namespace {

using ::testing::HasSubstr;

Registry<int, int> small_registry() {
  Registry<int, int> registry("model");
  registry.add("mlp", "a multilayer perceptron", [](int width) { return width * 2; });
  registry.add("cnn1", "one convolution", [](int width) { return width + 1; });
  return registry;
}

TEST(Registry, CreatesTheNamedProductWithItsArguments) {
  const auto registry = small_registry();
  EXPECT_EQ(registry.create("mlp", 21), 42);
  EXPECT_EQ(registry.create("cnn1", 21), 22);
  EXPECT_TRUE(registry.contains("mlp"));
  EXPECT_FALSE(registry.contains("mpl"));
  EXPECT_EQ(registry.description("mlp"), "a multilayer perceptron");
  EXPECT_EQ(registry.names(), (std::vector<std::string>{"cnn1", "mlp"}));
}

TEST(Registry, AnUnknownNameSuggestsTheNearestAndListsAll) {
  const auto registry = small_registry();
  try {
    registry.create("mpl", 1);
    FAIL() << "created an unknown name";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr("unknown model 'mpl'"));
    EXPECT_THAT(error.what(), HasSubstr("did you mean 'mlp'"));
    EXPECT_THAT(error.what(), HasSubstr("valid: cnn1, mlp"));
  }
}

TEST(Registry, RegisteringANameTwiceIsRefused) {
  auto registry = small_registry();
  EXPECT_THROW(registry.add("mlp", "again", [](int) { return 0; }), RuntimeError);
  EXPECT_EQ(registry.create("mlp", 1), 2);  // the first registration stays
}

}  // namespace
}  // namespace ufm
