#pragma once
/// Typed YAML readers and writers, internal to config/ (the only layer that sees yaml-cpp).
/// config/option_yaml.h applies them to the option tables declared beside each options
/// struct (core/option_table.h).
#include <cstdint>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/error.h"
#include "core/text.h"

namespace ufm::yaml_fields {

/// Throws ConfigError "source: path: message" (the path part is left out when empty).
[[noreturn]] void fail(const std::string& source, const std::string& path, const std::string& message);

/// How a node reads in an error message: 'ten' for a scalar, "a list", "a map", "nothing".
std::string describe_node(const YAML::Node& node);

/// "block.key" joining, tolerating an empty prefix.
std::string join_path(const std::string& prefix, const std::string& key);

// Strict typed readers: `node` is the value at `path`; anything that is not exactly of the
// type (2.5 for an integer, -1 for an unsigned, "yes" for a bool, a quoted "10" for a
// number) throws ConfigError naming source, path, what was expected and what was found.
void read_value(const YAML::Node& node, std::string& out, const std::string& source, const std::string& path);
void read_value(const YAML::Node& node, bool& out, const std::string& source, const std::string& path);
void read_value(const YAML::Node& node, int& out, const std::string& source, const std::string& path);
void read_value(const YAML::Node& node, std::int64_t& out, const std::string& source, const std::string& path);
void read_value(const YAML::Node& node, std::uint64_t& out, const std::string& source, const std::string& path);
void read_value(const YAML::Node& node, double& out, const std::string& source, const std::string& path);
void read_value(const YAML::Node& node, std::vector<std::int64_t>& out, const std::string& source,
                const std::string& path);
void read_value(const YAML::Node& node, std::vector<int>& out, const std::string& source, const std::string& path);
void read_value(const YAML::Node& node, std::vector<std::vector<int>>& out, const std::string& source,
                const std::string& path);

// Writers: lists in flow style ([1, 2]), doubles in the shortest form that reads back to
// the same bits, strings quoted when they would otherwise read as a number, bool or null.
void write_value(YAML::Emitter& out, const std::string& value);
void write_value(YAML::Emitter& out, bool value);
void write_value(YAML::Emitter& out, int value);
void write_value(YAML::Emitter& out, std::int64_t value);
void write_value(YAML::Emitter& out, std::uint64_t value);
void write_value(YAML::Emitter& out, double value);
void write_value(YAML::Emitter& out, const std::vector<std::int64_t>& value);
void write_value(YAML::Emitter& out, const std::vector<int>& value);
void write_value(YAML::Emitter& out, const std::vector<std::vector<int>>& value);

/// The shortest "%.Ng" (N ≤ 17) that strtod reads back to exactly `value`; .nan/.inf/-.inf.
std::string format_double(double value);

/// A node as one line of flow-style YAML ("[512, 256]", "0.5", "adam").
std::string emit_flow(const YAML::Node& node);

}  // namespace ufm::yaml_fields
