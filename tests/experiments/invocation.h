#pragma once
/// Runs the ufm command line in-process and keeps what it printed, for the CLI tests.
#include <sstream>
#include <string>
#include <vector>

#include "cli.h"

namespace ufm::testing {

struct Invocation {
  int status = 0;
  std::string out;
  std::string err;
};

inline Invocation ufm_main(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  Invocation result;
  result.status = cli::run_command_line(args, out, err);
  result.out = out.str();
  result.err = err.str();
  return result;
}

}  // namespace ufm::testing
