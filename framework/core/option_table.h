#pragma once
/// Options declared once, beside each options struct (xgboost's parameter declarations are
/// the model): key, member, description, default (the struct's own initialiser), the values
/// it allows, and whether it belongs to a run's scientific identity. No YAML here: config/
/// derives reading, writing, validation messages with their full key path, `ufm keys` and
/// the generated key reference (docs/keys.md) from these tables.
#include <cstdint>
#include <functional>
#include <ostream>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

namespace ufm {

/// An enumeration option, seen through its names: the value is an index into `names`, the
/// enum's declaration order (an enum E declares its names by a function
/// `const std::vector<std::string>& option_names(E)` found by argument-dependent lookup).
struct EnumRef {
  std::function<std::size_t()> get;
  std::function<void(std::size_t)> set;
  const std::vector<std::string>* names = nullptr;
};

/// An enumeration option prints as its name, in messages and logs.
template <typename E, typename = std::enable_if_t<std::is_enum_v<E>>, typename = decltype(option_names(E{}))>
std::ostream& operator<<(std::ostream& out, E value) {
  return out << option_names(value).at(static_cast<std::size_t>(value));
}

/// A pointer to one option's value inside an options struct, or an enumeration's view.
using OptionRef = std::variant<std::string*, bool*, int*, std::int64_t*, std::uint64_t*, double*,
                               std::vector<std::int64_t>*, std::vector<int>*, std::vector<std::vector<int>>*, EnumRef>;

/// The name of an enumeration option's value ("random" for CanarySelect::kRandom).
template <typename E, typename = std::enable_if_t<std::is_enum_v<E>>>
const std::string& option_name(E value) {
  return option_names(value).at(static_cast<std::size_t>(value));
}

/// The values an option allows. Numbers (and each element of a number list) against the
/// bounds; strings against the choices; strings and lists against non_empty.
struct OptionRule {
  std::optional<double> minimum, maximum;
  bool minimum_exclusive = false, maximum_exclusive = false;
  /// Allowed strings, computed when checked (so a registry's names can be the choices).
  std::function<std::vector<std::string>()> choices;
  bool non_empty = false;
  /// Said after the expectation: "expected >= 0 (0 = all)".
  std::string note;

  /// ">= 1", "in [0, 1)", "adam | sgd", "not empty"; "" when anything goes.
  std::string describe() const;
};

/// The declarations of one options struct, type-erased (the struct is a void* here).
class OptionTableBase {
 public:
  struct Entry {
    std::string key;
    std::string description;
    /// false: left out of the scientific form (labels, where and how a run executes).
    bool scientific = true;
    OptionRule rule;
    /// Leaf: the option's value in a struct of the table's type.
    std::function<OptionRef(void*)> value;
    /// Late leaves (added after results were stored): true when the value is the one left
    /// out of the scientific form, so runs that do not use it keep their identities.
    std::function<bool(const void*)> unset_in;
    /// Block: the nested struct's table, and the nested struct in a struct of this type.
    const OptionTableBase* block = nullptr;
    std::function<void*(void*)> block_of;
  };

  virtual ~OptionTableBase() = default;
  const std::vector<Entry>& entries() const { return entries_; }
  /// Keys valid at this level but read by someone else (the sweep block).
  const std::vector<std::string>& reserved() const { return reserved_; }
  /// Every key accepted at this level, declared ones first.
  std::vector<std::string> keys() const;
  const Entry* find(const std::string& key) const;

 protected:
  std::vector<Entry> entries_;
  std::vector<std::string> reserved_;
};

template <typename Struct>
class OptionTable : public OptionTableBase {
 public:
  /// Declares a leaf option.
  template <typename T>
  OptionTable& add(std::string key, T Struct::*member, std::string description) {
    Entry entry;
    entry.key = std::move(key);
    entry.description = std::move(description);
    if constexpr (std::is_enum_v<T>) {
      const std::vector<std::string>* names = &option_names(T{});
      entry.value = [member, names](void* target) -> OptionRef {
        T* value = &(static_cast<Struct*>(target)->*member);
        return EnumRef{[value] { return static_cast<std::size_t>(*value); },
                       [value](std::size_t index) { *value = static_cast<T>(index); }, names};
      };
      entry.rule.choices = [names] { return *names; };
    } else {
      entry.value = [member](void* target) -> OptionRef { return &(static_cast<Struct*>(target)->*member); };
    }
    entries_.push_back(std::move(entry));
    return *this;
  }

  /// Declares a leaf added after results were stored: in the scientific form (and so in
  /// run identities) only when it differs from `unset`.
  template <typename T>
  OptionTable& add_late(std::string key, T Struct::*member, std::string description, T unset) {
    add(std::move(key), member, std::move(description));
    entries_.back().unset_in = [member, unset](const void* value) {
      return static_cast<const Struct*>(value)->*member == unset;
    };
    return *this;
  }

  /// Declares a nested block with its own table (which must outlive this one).
  template <typename Block>
  OptionTable& add_block(std::string key, Block Struct::*member, const OptionTable<Block>& table) {
    Entry entry;
    entry.key = std::move(key);
    entry.block = &table;
    entry.block_of = [member](void* target) -> void* { return &(static_cast<Struct*>(target)->*member); };
    entries_.push_back(std::move(entry));
    return *this;
  }

  // Rules of the option declared last.
  OptionTable& at_least(double minimum, std::string note = {}) {
    last().rule.minimum = minimum;
    if (!note.empty()) last().rule.note = std::move(note);
    return *this;
  }
  OptionTable& above(double minimum) {
    last().rule.minimum = minimum;
    last().rule.minimum_exclusive = true;
    return *this;
  }
  OptionTable& at_most(double maximum) {
    last().rule.maximum = maximum;
    return *this;
  }
  OptionTable& below(double maximum) {
    last().rule.maximum = maximum;
    last().rule.maximum_exclusive = true;
    return *this;
  }
  OptionTable& one_of(std::vector<std::string> choices) {
    last().rule.choices = [choices] { return choices; };
    return *this;
  }
  OptionTable& one_of(std::function<std::vector<std::string>()> choices) {
    last().rule.choices = std::move(choices);
    return *this;
  }
  OptionTable& non_empty(std::string note = {}) {
    last().rule.non_empty = true;
    if (!note.empty()) last().rule.note = std::move(note);
    return *this;
  }
  /// Leaves the option (or block) declared last out of the scientific form.
  OptionTable& not_scientific() {
    last().scientific = false;
    return *this;
  }
  OptionTable& reserve(std::string key) {
    reserved_.push_back(std::move(key));
    return *this;
  }

 private:
  Entry& last() { return entries_.back(); }
};

/// Checks every rule of `table` over `value` (a struct of the table's type), recursing into
/// blocks; throws ConfigError naming the full key path under `prefix`:
/// "train.batch_size: expected >= 1, got 0".
void check_options(const OptionTableBase& table, const void* value, const std::string& prefix);

/// The same for the table's own leaves only, not its blocks (a struct whose blocks check
/// themselves in their validate()).
void check_option_leaves(const OptionTableBase& table, const void* value, const std::string& prefix);

template <typename Struct>
void check_options(const OptionTable<Struct>& table, const Struct& value, const std::string& prefix) {
  check_options(static_cast<const OptionTableBase&>(table), static_cast<const void*>(&value), prefix);
}

/// "block.key", tolerating an empty prefix.
std::string option_path(const std::string& prefix, const std::string& key);

}  // namespace ufm
