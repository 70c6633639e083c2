// The words of the unlearning table's verdict (issue "Unlearning the canary", item 4):
// "feature removed" only when the upper 95 % limit of the after-effect lies below 25 % of
// the before-effect, and only when memorisation was shown before.
#include "report/unlearning_table.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace ufm {
namespace {

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }
bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(UnlearningVerdict, NothingIsRemovedThatWasNotShownMemorisedBefore) {
  const EffectInterval unshown{0.05, -0.03, 0.13};
  EXPECT_TRUE(starts_with(unlearning_verdict(unshown, {0.0, -0.01, 0.01}), "nothing shown memorised before"));
  EXPECT_FALSE(contains(unlearning_verdict(unshown, {0.0, -0.01, 0.01}), "removed"));
  // A before interval touching 0 is not "shown".
  EXPECT_TRUE(starts_with(unlearning_verdict({0.1, 0.0, 0.2}, {0.0, -0.01, 0.01}), "nothing shown"));
}

TEST(UnlearningVerdict, RemovedOnlyBelowAQuarterOfTheBeforeEffect) {
  const EffectInterval before{0.2, 0.1, 0.3};  // a quarter of the mean: 0.05
  EXPECT_EQ(unlearning_verdict(before, {0.01, -0.02, 0.049}), "feature removed");
  EXPECT_EQ(unlearning_verdict(before, {0.01, -0.02, 0.05}), "not shown to be removed");
  EXPECT_EQ(unlearning_verdict(before, {0.01, -0.02, 0.06}), "not shown to be removed");
  // An undefined interval (too few pairs) never removes.
  EXPECT_EQ(unlearning_verdict(before, {0.0, std::nan(""), std::nan("")}), "not shown to be removed");
}

TEST(UnlearningVerdict, AnAfterEffectEntirelyBelowZeroIsFlaggedOverForgotten) {
  EXPECT_EQ(unlearning_verdict({0.2, 0.1, 0.3}, {-0.2, -0.3, -0.1}),
            "feature removed; over-forgotten (after < 0: the unlearning itself is visible)");
  const std::string unshown = unlearning_verdict({0.05, -0.03, 0.13}, {-0.65, -1.15, -0.14});
  EXPECT_TRUE(starts_with(unshown, "nothing shown memorised before")) << unshown;
  EXPECT_TRUE(contains(unshown, "over-forgotten")) << unshown;
  EXPECT_FALSE(contains(unlearning_verdict({0.2, 0.1, 0.3}, {-0.2, -0.3, 0.01}), "over-forgotten"));
}

}  // namespace
}  // namespace ufm
