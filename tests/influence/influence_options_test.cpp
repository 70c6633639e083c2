#include "influence/influence_options.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace ufm {
namespace {

using Epochs = std::vector<std::int64_t>;

InfluenceOptions rule(CheckpointRule checkpoints) {
  InfluenceOptions options;
  options.checkpoints = checkpoints;
  return options;
}

// A loss curve of `epochs` values falling geometrically from 2 towards 0.1.
std::vector<double> decaying(std::int64_t epochs, double rate) {
  std::vector<double> loss;
  double excess = 1.9;
  for (std::int64_t e = 0; e < epochs; ++e, excess *= rate) loss.push_back(0.1 + excess);
  return loss;
}

TEST(EvenlySpaced, RoundsLikeNumpyLinspace) {
  // numpy.round(numpy.linspace(1, 25, 10)) = [1, 4, 6, 9, 12, 14, 17, 20, 22, 25]
  // (6.333→6, 11.667→12, 14.333→14, 19.667→20, 22.333→22).
  EXPECT_EQ(evenly_spaced(1, 25, 10), (Epochs{1, 4, 6, 9, 12, 14, 17, 20, 22, 25}));
  // numpy.round(numpy.linspace(1, 10, 4)) = [1, 4, 7, 10]; linspace(1, 4, 7) has halves:
  // 1, 1.5, 2, 2.5, 3, 3.5, 4 → 1, 2, 2, 2, 3, 4, 4 (half to even), duplicates dropped.
  EXPECT_EQ(evenly_spaced(1, 10, 4), (Epochs{1, 4, 7, 10}));
  EXPECT_EQ(evenly_spaced(1, 4, 7), (Epochs{1, 2, 3, 4}));
  EXPECT_EQ(evenly_spaced(3, 9, 1), (Epochs{3}));
}

TEST(CheckpointRule, AutoUsesEveryEpochWhenFewerThanTen) {
  EXPECT_EQ(choose_checkpoint_epochs(decaying(7, 0.5), rule(CheckpointRule::kAuto)), (Epochs{1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(choose_checkpoint_epochs({0.3}, rule(CheckpointRule::kAuto)), (Epochs{1}));
}

TEST(CheckpointRule, AutoUsesTheFirstTenEpochsWhenTheLossSettlesEarly) {
  // Falling by half per epoch over 30 epochs: the total drop is ~1.9, d = min + 0.095, and
  // the excess 1.9·0.5^e drops below 0.095 at e = 5, i.e. f = 6 < 10.
  EXPECT_EQ(choose_checkpoint_epochs(decaying(30, 0.5), rule(CheckpointRule::kAuto)), (Epochs{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
}

TEST(CheckpointRule, AutoSpacesTenEpochsUpToTheFirstEpochNearTheMinimum) {
  // Hand-made curve of 40 epochs: 2.0 at epoch 1, linear down to 0.2 at epoch 30, flat
  // after. min = 0.2, d = 0.2 + 0.05·1.8 = 0.29; L(e) = 2 − 1.8(e−1)/29 < 0.29 first at
  // e = 29 (L = 0.262; e = 28 gives 0.324). f = 29 → numpy.round(numpy.linspace(1, 29, 10))
  // = [1, 4, 7, 10, 13, 17, 20, 23, 26, 29].
  std::vector<double> loss;
  for (int e = 1; e <= 40; ++e) loss.push_back(e <= 30 ? 2.0 - 1.8 * (e - 1) / 29.0 : 0.2);
  EXPECT_EQ(choose_checkpoint_epochs(loss, rule(CheckpointRule::kAuto)), (Epochs{1, 4, 7, 10, 13, 17, 20, 23, 26, 29}));
}

TEST(CheckpointRule, AutoOnAFlatCurveFallsBackToTheFirstMinimum) {
  // No epoch lies strictly below d = min: f is the first epoch at the minimum (epoch 1),
  // so the first ten epochs.
  EXPECT_EQ(choose_checkpoint_epochs(std::vector<double>(12, 0.7), rule(CheckpointRule::kAuto)),
            (Epochs{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
}

TEST(CheckpointRule, AllCountAndListRules) {
  EXPECT_EQ(choose_checkpoint_epochs(decaying(4, 0.5), rule(CheckpointRule::kAll)), (Epochs{1, 2, 3, 4}));
  InfluenceOptions count = rule(CheckpointRule::kCount);
  count.count = 3;
  EXPECT_EQ(choose_checkpoint_epochs(decaying(9, 0.5), count), (Epochs{1, 5, 9}));
  count.count = 20;  // more than the epochs: every epoch once
  EXPECT_EQ(choose_checkpoint_epochs(decaying(5, 0.5), count), (Epochs{1, 2, 3, 4, 5}));
  InfluenceOptions list = rule(CheckpointRule::kList);
  list.epochs = {4, 2, 4};
  EXPECT_EQ(choose_checkpoint_epochs(decaying(5, 0.5), list), (Epochs{2, 4}));
  list.epochs = {6};
  EXPECT_THROW(choose_checkpoint_epochs(decaying(5, 0.5), list), ConfigError);
  EXPECT_THROW(choose_checkpoint_epochs({}, rule(CheckpointRule::kAuto)), RuntimeError);
}

TEST(InfluenceOptions, ValidateNamesTheKey) {
  InfluenceOptions options;
  EXPECT_NO_THROW(options.validate());
  options.count = 0;
  try {
    options.validate();
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("influence.count"), std::string::npos) << error.what();
  }
  options = InfluenceOptions{};
  options.checkpoints = CheckpointRule::kList;
  EXPECT_THROW(options.validate(), ConfigError);  // no epochs
  options.epochs = {0};
  EXPECT_THROW(options.validate(), ConfigError);
  options = InfluenceOptions{};
  options.k = -1;
  EXPECT_THROW(options.validate(), ConfigError);
}

}  // namespace
}  // namespace ufm
