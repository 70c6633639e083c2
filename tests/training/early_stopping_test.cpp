// Keras' EarlyStopping semantics, one model at a time.
#include "training/early_stopping.h"

#include <gtest/gtest.h>

namespace ufm {
namespace {

TEST(EarlyStopping, KeepsStrictImprovementsAndStopsAfterPatienceEpochsWithout) {
  TrainingOptions options;
  options.patience = 2;
  EarlyStopping stopping(options);
  EXPECT_TRUE(stopping.record(1, 1.0));
  EXPECT_TRUE(stopping.record(2, 0.5));
  EXPECT_FALSE(stopping.record(3, 0.5));  // equal is not an improvement
  EXPECT_FALSE(stopping.should_stop());
  EXPECT_FALSE(stopping.record(4, 0.7));
  EXPECT_TRUE(stopping.should_stop());
  EXPECT_EQ(stopping.best_epoch(), 2);
}

TEST(EarlyStopping, AnImprovementResetsThePatienceCount) {
  TrainingOptions options;
  options.patience = 2;
  EarlyStopping stopping(options);
  stopping.record(1, 1.0);
  stopping.record(2, 1.1);
  EXPECT_TRUE(stopping.record(3, 0.9));
  stopping.record(4, 1.0);
  EXPECT_FALSE(stopping.should_stop());
  EXPECT_EQ(stopping.best_epoch(), 3);
}

TEST(EarlyStopping, WithoutEarlyStoppingEveryEpochIsTheResultAndNoneStops) {
  TrainingOptions options;
  options.early_stopping = false;
  options.patience = 1;
  EarlyStopping stopping(options);
  EXPECT_TRUE(stopping.record(1, 0.1));
  EXPECT_TRUE(stopping.record(2, 5.0));
  EXPECT_FALSE(stopping.should_stop());
  EXPECT_EQ(stopping.best_epoch(), 2);
}

}  // namespace
}  // namespace ufm
