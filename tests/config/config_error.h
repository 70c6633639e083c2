#pragma once
/// The one-line error a config gives, for the tests of refused settings.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/experiment_config.h"
#include "core/error.h"

namespace ufm::testing {

/// The ConfigError message of an empty config file read with `overrides`; a test failure and
/// "" when it is accepted.
inline std::string config_error_of(const std::vector<std::string>& overrides) {
  try {
    parse_experiment_config("", "configs/x.yaml", overrides);
  } catch (const ConfigError& error) {
    return error.what();
  }
  ADD_FAILURE() << "no ConfigError";
  return "";
}

}  // namespace ufm::testing
