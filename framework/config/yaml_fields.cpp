#include "config/yaml_fields.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace ufm::yaml_fields {

namespace {

bool is_quoted(const YAML::Node& node) { return node.Tag() == "!"; }

// Only the YAML core-schema spellings: "yes", "on" or 1 are not booleans here.
bool parse_bool(const std::string& text, bool& out) {
  if (text == "true" || text == "True" || text == "TRUE") {
    out = true;
    return true;
  }
  if (text == "false" || text == "False" || text == "FALSE") {
    out = false;
    return true;
  }
  return false;
}

// Decimal integers only: an optional sign then digits (no 2.5, 1e3, 0x10 or spaces).
bool is_integer_text(const std::string& text) {
  std::size_t i = (!text.empty() && (text[0] == '+' || text[0] == '-')) ? 1 : 0;
  if (i == text.size()) return false;
  for (; i < text.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

// strtod also takes "inf", "nan", hex floats and leading spaces; YAML numbers are narrower.
bool parse_double(const std::string& text, double& out) {
  static const char* const kSpecial[][2] = {{".inf", "inf"},  {".Inf", "inf"},   {".INF", "inf"},
                                            {"+.inf", "inf"}, {"+.Inf", "inf"},  {"+.INF", "inf"},
                                            {"-.inf", "-inf"}, {"-.Inf", "-inf"}, {"-.INF", "-inf"},
                                            {".nan", "nan"},  {".NaN", "nan"},   {".NAN", "nan"}};
  for (const auto& special : kSpecial) {
    if (text == special[0]) {
      out = std::strtod(special[1], nullptr);
      return true;
    }
  }
  bool digit = false;
  for (char c : text) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      digit = true;
    } else if (c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-') {
      return false;
    }
  }
  if (!digit) return false;
  char* end = nullptr;
  errno = 0;
  out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && errno != ERANGE;
}

// The scalar text of a non-string value; rejects collections, nothing and quoted strings.
const std::string& number_text(const YAML::Node& node, const std::string& expected, const std::string& source,
                               const std::string& path) {
  if (!node.IsScalar()) fail(source, path, "expected " + expected + ", got " + describe_node(node));
  if (is_quoted(node)) fail(source, path, "expected " + expected + ", got the string '" + node.Scalar() + "'");
  return node.Scalar();
}

template <typename Integer>
Integer read_integer(const YAML::Node& node, const std::string& source, const std::string& path) {
  const std::string& text = number_text(node, "an integer", source, path);
  if (!is_integer_text(text)) fail(source, path, "expected an integer, got '" + text + "'");
  errno = 0;
  const long long value = std::strtoll(text.c_str(), nullptr, 10);
  if (errno == ERANGE || value < static_cast<long long>(std::numeric_limits<Integer>::min()) ||
      value > static_cast<long long>(std::numeric_limits<Integer>::max())) {
    fail(source, path,
         "expected an integer in [" + std::to_string(std::numeric_limits<Integer>::min()) + ", " +
             std::to_string(std::numeric_limits<Integer>::max()) + "], got '" + text + "'");
  }
  return static_cast<Integer>(value);
}

template <typename T>
void read_list(const YAML::Node& node, std::vector<T>& out, const std::string& expected, const std::string& source,
               const std::string& path) {
  if (!node || node.IsNull()) {
    out.clear();
    return;
  }
  if (!node.IsSequence()) fail(source, path, "expected " + expected + ", got " + describe_node(node));
  std::vector<T> values(node.size());
  for (std::size_t i = 0; i < node.size(); ++i) {
    read_value(node[i], values[i], source, path + "[" + std::to_string(i) + "]");
  }
  out = std::move(values);
}

// Strings that a plain scalar would turn into another type, so they must be quoted.
bool looks_like_other_type(const std::string& text) {
  if (text.empty() || YAML::IsNullString(text)) return true;
  bool flag;
  double number;
  if (parse_bool(text, flag) || parse_double(text, number)) return true;
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // YAML 1.1 booleans that other readers (PyYAML) would still convert.
  for (const char* word : {"yes", "no", "on", "off", "y", "n"}) {
    if (lower == word) return true;
  }
  return false;
}

template <typename T>
void write_list(YAML::Emitter& out, const std::vector<T>& values) {
  out << YAML::Flow << YAML::BeginSeq;
  for (const auto& value : values) write_value(out, value);
  out << YAML::EndSeq;
}

}  // namespace

void fail(const std::string& source, const std::string& path, const std::string& message) {
  std::string text = source;
  if (!path.empty()) text += (text.empty() ? "" : ": ") + path;
  text += (text.empty() ? "" : ": ") + message;
  throw ConfigError(text);
}

std::string describe_node(const YAML::Node& node) {
  if (!node || node.IsNull()) return "nothing";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a map";
  return "'" + node.Scalar() + "'";
}

std::string join_path(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : prefix + "." + key;
}

void read_value(const YAML::Node& node, std::string& out, const std::string& source, const std::string& path) {
  if (!node || node.IsNull()) {
    out.clear();  // "path:" with nothing after it reads as the empty string
    return;
  }
  if (!node.IsScalar()) fail(source, path, "expected a string, got " + describe_node(node));
  out = node.Scalar();
}

void read_value(const YAML::Node& node, bool& out, const std::string& source, const std::string& path) {
  const std::string& text = number_text(node, "true or false", source, path);
  if (!parse_bool(text, out)) fail(source, path, "expected true or false, got '" + text + "'");
}

void read_value(const YAML::Node& node, int& out, const std::string& source, const std::string& path) {
  out = read_integer<int>(node, source, path);
}

void read_value(const YAML::Node& node, std::int64_t& out, const std::string& source, const std::string& path) {
  out = read_integer<std::int64_t>(node, source, path);
}

void read_value(const YAML::Node& node, std::uint64_t& out, const std::string& source, const std::string& path) {
  const std::string& text = number_text(node, "a non-negative integer", source, path);
  const std::string digits = (!text.empty() && text[0] == '+') ? text.substr(1) : text;
  if (digits.empty() || digits[0] == '-' || digits[0] == '+' || !is_integer_text(digits)) {
    fail(source, path, "expected a non-negative integer, got '" + text + "'");
  }
  errno = 0;
  const unsigned long long value = std::strtoull(digits.c_str(), nullptr, 10);
  if (errno == ERANGE) fail(source, path, "expected an integer below 2^64, got '" + text + "'");
  out = static_cast<std::uint64_t>(value);
}

void read_value(const YAML::Node& node, double& out, const std::string& source, const std::string& path) {
  const std::string& text = number_text(node, "a number", source, path);
  if (!parse_double(text, out)) fail(source, path, "expected a number, got '" + text + "'");
}

void read_value(const YAML::Node& node, std::vector<std::int64_t>& out, const std::string& source,
                const std::string& path) {
  read_list(node, out, "a list of integers", source, path);
}

void read_value(const YAML::Node& node, std::vector<int>& out, const std::string& source, const std::string& path) {
  read_list(node, out, "a list of integers", source, path);
}

void read_value(const YAML::Node& node, std::vector<std::vector<int>>& out, const std::string& source,
                const std::string& path) {
  read_list(node, out, "a list of rows (lists of integers)", source, path);
}

void write_value(YAML::Emitter& out, const std::string& value) {
  if (looks_like_other_type(value)) out << YAML::DoubleQuoted;
  out << value;
}

void write_value(YAML::Emitter& out, bool value) { out << (value ? "true" : "false"); }
void write_value(YAML::Emitter& out, int value) { out << value; }
void write_value(YAML::Emitter& out, std::int64_t value) { out << value; }
void write_value(YAML::Emitter& out, std::uint64_t value) { out << value; }
void write_value(YAML::Emitter& out, double value) { out << format_double(value); }
void write_value(YAML::Emitter& out, const std::vector<std::int64_t>& value) { write_list(out, value); }
void write_value(YAML::Emitter& out, const std::vector<int>& value) { write_list(out, value); }
void write_value(YAML::Emitter& out, const std::vector<std::vector<int>>& value) { write_list(out, value); }

std::string format_double(double value) {
  if (std::isnan(value)) return ".nan";
  if (std::isinf(value)) return value > 0 ? ".inf" : "-.inf";
  char buffer[64];
  int digits = 1;
  for (; digits <= 17; ++digits) {
    std::snprintf(buffer, sizeof(buffer), "%.*g", digits, value);
    if (std::strtod(buffer, nullptr) == value) break;
  }
  // %g switches to an exponent once the exponent reaches the precision ("1e+02" for 100);
  // whole numbers up to 17 digits read better written out, and still read back exactly.
  char scientific[64];
  std::snprintf(scientific, sizeof(scientific), "%.*e", digits - 1, value);
  const int exponent = std::atoi(std::strchr(scientific, 'e') + 1);
  if (exponent >= digits && exponent < 17) std::snprintf(buffer, sizeof(buffer), "%.*g", exponent + 1, value);
  // YAML 1.1 readers (PyYAML) take "1e-07" for a string; "1.0e-07" is a float everywhere.
  std::string text = buffer;
  const auto e = text.find('e');
  if (e != std::string::npos && text.find('.') == std::string::npos) text.insert(e, ".0");
  return text;
}

std::string emit_flow(const YAML::Node& node) {
  YAML::Emitter out;
  out.SetSeqFormat(YAML::Flow);
  out.SetMapFormat(YAML::Flow);
  out << node;
  return out.c_str();
}

}  // namespace ufm::yaml_fields
