#include "core/option_table.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <type_traits>

#include "core/error.h"
#include "core/text.h"

namespace ufm {
namespace {

std::string number_text(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

std::string choices_text(const std::vector<std::string>& choices) {
  std::string out;
  for (std::size_t i = 0; i < choices.size(); ++i) out += (i ? " | " : "") + choices[i];
  return out;
}

// Written so that NaN fails every bound.
bool within(const OptionRule& rule, double value) {
  if (rule.minimum && !(rule.minimum_exclusive ? value > *rule.minimum : value >= *rule.minimum)) return false;
  if (rule.maximum && !(rule.maximum_exclusive ? value < *rule.maximum : value <= *rule.maximum)) return false;
  return true;
}

[[noreturn]] void reject(const std::string& path, const OptionRule& rule, const std::string& found) {
  const std::string note = rule.note.empty() ? "" : " (" + rule.note + ")";
  throw ConfigError(path + ": expected " + rule.describe() + note + ", got " + found);
}

// An empty string or list: "expected <note>" when the rule names what is expected.
[[noreturn]] void reject_empty(const std::string& path, const OptionRule& rule, const std::string& found) {
  throw ConfigError(path + ": expected " + (rule.note.empty() ? "a non-empty value" : rule.note) + ", got " + found);
}

template <typename Number>
void check_number(const std::string& path, const OptionRule& rule, Number value) {
  if (!within(rule, static_cast<double>(value))) {
    std::ostringstream found;
    found << value;
    reject(path, rule, found.str());
  }
}

void check_leaf(const std::string& path, const OptionRule& rule, OptionRef ref) {
  if (std::holds_alternative<EnumRef>(ref)) return;  // an enumeration holds only its own values
  std::visit(
      [&](auto value) {
        if constexpr (!std::is_pointer_v<decltype(value)>) return;
        else {
        using T = std::decay_t<decltype(*value)>;
        if constexpr (std::is_same_v<T, std::string>) {
          if (rule.non_empty && value->empty()) reject_empty(path, rule, "an empty string");
          if (rule.choices) {
            const std::vector<std::string> choices = rule.choices();
            if (std::find(choices.begin(), choices.end(), *value) == choices.end()) {
              reject(path, rule, "'" + *value + "' (did you mean '" + nearest(*value, choices) + "'?)");
            }
          }
        } else if constexpr (std::is_same_v<T, bool>) {
        } else if constexpr (std::is_arithmetic_v<T>) {
          check_number(path, rule, *value);
        } else if constexpr (std::is_same_v<T, std::vector<std::int64_t>> || std::is_same_v<T, std::vector<int>>) {
          if (rule.non_empty && value->empty()) reject_empty(path, rule, "an empty list");
          for (const auto element : *value) check_number(path, rule, element);
        } else {
          if (rule.non_empty && value->empty()) reject_empty(path, rule, "an empty list");
        }
        }
      },
      ref);
}

}  // namespace

std::string OptionRule::describe() const {
  std::vector<std::string> parts;
  if (minimum && maximum) {
    parts.push_back("in " + std::string(minimum_exclusive ? "(" : "[") + number_text(*minimum) + ", " +
                    number_text(*maximum) + (maximum_exclusive ? ")" : "]"));
  } else if (minimum) {
    parts.push_back((minimum_exclusive ? "> " : ">= ") + number_text(*minimum));
  } else if (maximum) {
    parts.push_back((maximum_exclusive ? "< " : "<= ") + number_text(*maximum));
  }
  if (choices) parts.push_back(choices_text(choices()));
  if (non_empty) parts.push_back("not empty");
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
  return out;
}

std::vector<std::string> OptionTableBase::keys() const {
  std::vector<std::string> out;
  for (const auto& entry : entries_) out.push_back(entry.key);
  out.insert(out.end(), reserved_.begin(), reserved_.end());
  return out;
}

const OptionTableBase::Entry* OptionTableBase::find(const std::string& key) const {
  for (const auto& entry : entries_) {
    if (entry.key == key) return &entry;
  }
  return nullptr;
}

std::string option_path(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : prefix + "." + key;
}

void check_option_leaves(const OptionTableBase& table, const void* value, const std::string& prefix) {
  // The entries read through non-const pointers; nothing is written.
  void* target = const_cast<void*>(value);
  for (const auto& entry : table.entries()) {
    if (!entry.block) check_leaf(option_path(prefix, entry.key), entry.rule, entry.value(target));
  }
}

void check_options(const OptionTableBase& table, const void* value, const std::string& prefix) {
  check_option_leaves(table, value, prefix);
  void* target = const_cast<void*>(value);
  for (const auto& entry : table.entries()) {
    if (entry.block) check_options(*entry.block, entry.block_of(target), option_path(prefix, entry.key));
  }
}

}  // namespace ufm
