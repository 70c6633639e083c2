#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/error.h"
#include "models/model_registry.h"

namespace ufm {
namespace {

TEST(ModelOptions, DefaultsAreValidAndWithoutVariants) {
  ModelOptions options;
  EXPECT_NO_THROW(options.validate());
  EXPECT_FALSE(options.batch_norm);
  EXPECT_FALSE(options.dropout);
  EXPECT_EQ(options.dropout_rate_for(0.5), 0.0);
}

TEST(ModelOptions, DropoutRateOutsideTheUnitIntervalNamesTheKey) {
  for (double rate : {1.0, 1.5, std::numeric_limits<double>::quiet_NaN()}) {
    ModelOptions options;
    options.dropout_rate = rate;
    try {
      options.validate();
      FAIL() << "expected ConfigError for " << rate;
    } catch (const ConfigError& error) {
      EXPECT_NE(std::string(error.what()).find("model.dropout_rate"), std::string::npos) << error.what();
    }
  }
  for (double rate : {-1.0, 0.0, 0.3, 0.99}) {
    ModelOptions options;
    options.dropout_rate = rate;
    EXPECT_NO_THROW(options.validate()) << rate;
  }
}

TEST(ModelOptions, NegativeDropoutRateMeansThePapersRate) {
  ModelOptions options;
  options.dropout = true;
  EXPECT_EQ(options.dropout_rate_for(0.5), 0.5);
  EXPECT_EQ(options.dropout_rate_for(0.2), 0.2);
  options.dropout_rate = 0.3;
  EXPECT_EQ(options.dropout_rate_for(0.5), 0.3);
  EXPECT_EQ(options.dropout_rate_for(0.2), 0.3);
}

TEST(ModelOptions, NonPositiveHiddenWidthIsRejected) {
  ModelOptions options;
  options.hidden = {512, 0};
  EXPECT_THROW(options.validate(), ConfigError);
  options.hidden = {};
  EXPECT_THROW(options.validate(), ConfigError);
}

}  // namespace
}  // namespace ufm
