#pragma once
/// The ufm command line: argv → typed config → framework calls. Kept as a library so
/// tests run the program in-process.
#include <iosfwd>
#include <string>
#include <vector>

namespace ufm::cli {

/// Runs `ufm <args...>` writing results to `out` (tables) and messages to `err`.
/// Returns the exit status: 0 success, 1 usage error, 2 bad input or failure.
int run_command_line(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace ufm::cli
