#include "storage/result_diff.h"

#include <algorithm>
#include <cmath>
#include <type_traits>
#include <cstring>
#include <map>
#include <set>
#include <sstream>

#include "storage/schema.h"

namespace ufm {
namespace {

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Same bits (NaN equal to NaN of the same pattern), same type; floating-point values
// within `tolerance` of each other when it is positive.
template <typename T>
bool close_enough(const T& a, const T& b, double tolerance) {
  if (std::memcmp(&a, &b, sizeof(T)) == 0) return true;
  if constexpr (std::is_floating_point_v<T>) {
    if (tolerance > 0 && std::isfinite(a) && std::isfinite(b)) {
      return std::abs(static_cast<double>(a) - static_cast<double>(b)) <=
             tolerance * std::max(1.0, std::abs(static_cast<double>(a)));
    }
  }
  return false;
}

template <typename T>
std::string compare_values(const std::vector<T>& a, const std::vector<T>& b, double tolerance) {
  if (a.size() != b.size()) return std::to_string(a.size()) + " vs " + std::to_string(b.size()) + " values";
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!close_enough(a[i], b[i], tolerance)) {
      std::ostringstream out;
      out.precision(17);
      out << "element " << i << ": " << a[i] << " vs " << b[i];
      return out.str();
    }
  }
  return "";
}

std::string compare_arrays(const ArrayData& a, const ArrayData& b, double tolerance) {
  if (a.shape != b.shape) return "shape differs";
  if (a.axes != b.axes) return "axes '" + a.axes + "' vs '" + b.axes + "'";
  if (a.values.index() != b.values.index()) return "element type differs";
  return std::visit(
      [&](const auto& values) {
        using Vector = std::decay_t<decltype(values)>;
        return compare_values(values, std::get<Vector>(b.values), tolerance);
      },
      a.values);
}

// The lines of a stored config without where its file was written (output.path in the
// resolved YAML's output block, or as an override comment): a location, not science.
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  bool in_output_block = false;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] != ' ') in_output_block = line.rfind("output:", 0) == 0;
    if (in_output_block && line.rfind("  path:", 0) == 0) continue;
    if (line.rfind("# override: output.path=", 0) == 0) continue;
    lines.push_back(line);
  }
  return lines;
}

// Multi-line texts (resolved configs) are compared line by line, naming the lines that differ.
std::string describe_text_difference(const std::vector<std::string>& x, const std::vector<std::string>& y) {
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < std::max(x.size(), y.size()); ++i) {
    const std::string left = i < x.size() ? x[i] : "(none)", right = i < y.size() ? y[i] : "(none)";
    if (left != right) parts.push_back("line " + std::to_string(i + 1) + " '" + left + "' vs '" + right + "'");
  }
  std::string out;
  for (std::size_t i = 0; i < parts.size() && i < 3; ++i) out += (i ? "; " : "") + parts[i];
  if (parts.size() > 3) out += "; and " + std::to_string(parts.size() - 3) + " more lines";
  return out;
}

// True when every line of `before` appears in `after` in the same order: `after` only adds
// lines (a config that gained keys at their defaults).
bool only_adds_lines(const std::vector<std::string>& before, const std::vector<std::string>& after) {
  std::size_t next = 0;
  for (const std::string& line : after) {
    if (next < before.size() && line == before[next]) ++next;
  }
  return next == before.size();
}

void compare_attributes(const std::map<std::string, AttributeValue>& a, const std::map<std::string, AttributeValue>& b,
                        const std::string& where, std::vector<std::string>& out, bool allow_added) {
  std::set<std::string> names;
  for (const auto& item : a) names.insert(item.first);
  for (const auto& item : b) names.insert(item.first);
  for (const std::string& name : names) {
    if (is_circumstantial_attribute(name)) continue;
    const auto x = a.find(name), y = b.find(name);
    if (x == a.end() || y == b.end()) {
      if (allow_added && x == a.end()) continue;  // added since, like an added array
      out.push_back(where + "attribute " + name + " only in the " + (x == a.end() ? "second" : "first") + " file");
    } else if (x->second != y->second) {
      const std::string a_text = attribute_text(x->second), b_text = attribute_text(y->second);
      const bool multi_line = a_text.find('\n') != std::string::npos || b_text.find('\n') != std::string::npos;
      if (!multi_line) {
        out.push_back(where + "attribute " + name + ": '" + a_text + "' vs '" + b_text + "'");
        continue;
      }
      const std::vector<std::string> a_lines = lines_of(a_text), b_lines = lines_of(b_text);
      if (allow_added && only_adds_lines(a_lines, b_lines)) continue;
      if (a_lines != b_lines) out.push_back(where + "attribute " + name + ": " + describe_text_difference(a_lines, b_lines));
    }
  }
}

}  // namespace

bool is_circumstantial_attribute(const std::string& name) {
  static const std::set<std::string> names = {
      schema::kStartedAtAttribute,  schema::kFinishedAtAttribute,      schema::kUpdatedAtAttribute,
      schema::kHostnameAttribute,   schema::kCpuModelAttribute,        schema::kGitCommitAttribute,
      schema::kUfmVersionAttribute, schema::kLibtorchVersionAttribute, schema::kWorkersAttribute,
      schema::kBlasAttribute,       schema::kCpuInstructionSetsAttribute};
  return names.count(name) != 0 || ends_with(name, "_seconds");
}

std::vector<std::string> result_differences(const ResultFile& before, const ResultFile& after,
                                            const ResultDiffOptions& options) {
  std::vector<std::string> out;
  compare_attributes(before.attributes, after.attributes, "root: ", out, options.allow_added);
  std::map<std::string, const RunRecord*> later;
  for (const auto& run : after.runs) later[run.identity] = &run;
  std::set<std::string> seen;
  for (const RunRecord& a : before.runs) {
    seen.insert(a.identity);
    const auto found = later.find(a.identity);
    if (found == later.end()) {
      out.push_back("run " + a.identity + " only in the first file");
      continue;
    }
    const RunRecord& b = *found->second;
    const std::string where = "run " + a.identity + ": ";
    compare_attributes(a.attributes, b.attributes, where, out, options.allow_added);
    for (const auto& [path, array] : a.arrays) {
      if (path == schema::kEpochSeconds) continue;
      if (!b.has_array(path)) {
        out.push_back(where + path + " only in the first file");
        continue;
      }
      const std::string difference = compare_arrays(array, b.array(path), options.tolerance);
      if (!difference.empty()) out.push_back(where + path + " differs: " + difference);
    }
    if (options.allow_added) continue;
    for (const auto& item : b.arrays) {
      if (!a.has_array(item.first)) out.push_back(where + item.first + " only in the second file");
    }
  }
  for (const auto& run : after.runs) {
    if (!seen.count(run.identity)) out.push_back("run " + run.identity + " only in the second file");
  }
  return out;
}

}  // namespace ufm
