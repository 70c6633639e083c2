#pragma once
/// Internal to experiments/: the commands of the ufm program (cli.cpp dispatches).
#include <boost/program_options.hpp>

#include <iosfwd>
#include <string>
#include <vector>

namespace ufm::cli {

namespace po = boost::program_options;

/// Positional arguments plus named options, for commands without a config.
po::variables_map parse_command(const std::vector<std::string>& args, const po::options_description& options,
                                const char* positional_name, int positional_count);

int command_merge(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int command_diff(const std::vector<std::string>& args, std::ostream& out);
int command_compare(const std::vector<std::string>& args, std::ostream& out);
int command_status(const std::vector<std::string>& args, std::ostream& out);
int command_report(const std::vector<std::string>& args, std::ostream& out);
int command_account(const std::vector<std::string>& args, std::ostream& out);

}  // namespace ufm::cli
