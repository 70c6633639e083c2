#pragma once
/// Declarative YAML ↔ struct mapping, internal to config/ (the only layer that sees yaml-cpp).
/// Each options field is declared once in a FieldTable (key, member pointer, description);
/// the same table drives parsing, emission and `describe_keys`, so they cannot disagree.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
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

/// One row of `describe_keys`.
struct KeyDoc {
  std::string path;
  std::string value;  ///< the value in the described struct, as flow YAML
  std::string description;
};

/// The fields of one struct, in declaration order. Leaves are typed values read and written
/// by the functions above; blocks are nested structs with their own table.
template <typename Struct>
class FieldTable {
 public:
  /// Declares a leaf field. `T` must have read_value/write_value overloads. `scientific` =
  /// false leaves it out of the scientific form (labels that never change a result).
  template <typename T>
  FieldTable& add(std::string key, T Struct::*member, std::string description, bool scientific = true) {
    Field field;
    field.key = std::move(key);
    field.scientific = scientific;
    field.description = std::move(description);
    field.read = [member](Struct& target, const YAML::Node& node, const std::string& source,
                          const std::string& path) { read_value(node, target.*member, source, path); };
    field.write = [member](const Struct& value, YAML::Emitter& out, bool) { write_value(out, value.*member); };
    field.describe = [member, description = field.description](const Struct& value, const std::string& path,
                                                               std::vector<KeyDoc>& docs) {
      YAML::Emitter out;
      write_value(out, value.*member);
      docs.push_back(KeyDoc{path, out.c_str(), description});
    };
    field.flatten = [member](const Struct& value, const std::string& path, bool,
                             std::map<std::string, std::string>& out) {
      YAML::Emitter emitter;
      write_value(emitter, value.*member);
      out[path] = emitter.c_str();
    };
    fields_.push_back(std::move(field));
    return *this;
  }

  /// Declares a leaf field added after results were stored: it enters the scientific form
  /// (and so every run identity) only when it differs from `unset`, so runs that do not use
  /// it keep the identities they had before the field existed.
  template <typename T>
  FieldTable& add_late(std::string key, T Struct::*member, std::string description, T unset) {
    add(std::move(key), member, std::move(description));
    fields_.back().unset_in = [member, unset](const Struct& value) { return value.*member == unset; };
    return *this;
  }

  /// Declares a nested struct read from a map. `scientific` = false leaves the block out of
  /// the scientific form (keys that never change a result).
  template <typename Block>
  FieldTable& add_block(std::string key, Block Struct::*member, std::shared_ptr<const FieldTable<Block>> table,
                        bool scientific = true) {
    Field field;
    field.key = std::move(key);
    field.scientific = scientific;
    field.read = [member, table](Struct& target, const YAML::Node& node, const std::string& source,
                                 const std::string& path) { table->read(target.*member, node, source, path); };
    field.write = [member, table](const Struct& value, YAML::Emitter& out, bool scientific_only) {
      table->write(value.*member, out, scientific_only);
    };
    field.describe = [member, table](const Struct& value, const std::string& path, std::vector<KeyDoc>& docs) {
      table->describe(value.*member, path, docs);
    };
    field.flatten = [member, table](const Struct& value, const std::string& path, bool scientific_only,
                                    std::map<std::string, std::string>& out) {
      table->flatten(value.*member, path, scientific_only, out);
    };
    fields_.push_back(std::move(field));
    return *this;
  }

  /// A key that is valid here but read by someone else (skipped when reading, never written).
  FieldTable& reserve(std::string key) {
    reserved_.push_back(std::move(key));
    return *this;
  }

  /// Every key accepted at this level, declared ones first.
  std::vector<std::string> keys() const {
    std::vector<std::string> out;
    for (const auto& field : fields_) out.push_back(field.key);
    out.insert(out.end(), reserved_.begin(), reserved_.end());
    return out;
  }

  /// Reads the keys present in `node` (a map, or null for "keep every default") into
  /// `target`; keys absent from the map keep their current values.
  void read(Struct& target, const YAML::Node& node, const std::string& source, const std::string& path) const {
    if (!node || node.IsNull()) return;
    if (!node.IsMap()) {
      fail(source, path, path.empty() ? "expected a map of blocks (name, data, train, ...), got " + describe_node(node)
                                      : "expected a map of keys, got " + describe_node(node));
    }
    std::vector<std::string> seen;
    for (const auto& entry : node) {
      if (!entry.first.IsScalar()) fail(source, path, "expected scalar keys, got " + describe_node(entry.first));
      const std::string key = entry.first.Scalar();
      const std::string key_path = join_path(path, key);
      for (const auto& previous : seen) {
        if (previous == key) fail(source, "", "duplicate key '" + key_path + "'");
      }
      seen.push_back(key);
      if (std::find(reserved_.begin(), reserved_.end(), key) != reserved_.end()) continue;
      const Field* field = find(key);
      if (field == nullptr) {
        fail(source, "",
             "unknown key '" + key_path + "' (did you mean '" + join_path(path, nearest(key, keys())) + "'?)");
      }
      field->read(target, entry.second, source, key_path);
    }
  }

  /// Emits every field as a map in declaration order (only scientific ones if asked).
  void write(const Struct& value, YAML::Emitter& out, bool scientific_only) const {
    out << YAML::BeginMap;
    for (const auto& field : fields_) {
      if (scientific_only && !field.scientific) continue;
      if (scientific_only && field.unset_in && field.unset_in(value)) continue;
      out << YAML::Key << field.key << YAML::Value;
      field.write(value, out, scientific_only);
    }
    out << YAML::EndMap;
  }

  /// Appends "path → value (flow YAML)" for every leaf in the scientific form (every leaf
  /// with `scientific_only` false), with paths under `prefix`.
  void flatten(const Struct& value, const std::string& prefix, bool scientific_only,
               std::map<std::string, std::string>& out) const {
    for (const auto& field : fields_) {
      if (scientific_only && !field.scientific) continue;
      if (scientific_only && field.unset_in && field.unset_in(value)) continue;
      field.flatten(value, join_path(prefix, field.key), scientific_only, out);
    }
  }

  /// Appends one KeyDoc per leaf, with paths under `prefix`.
  void describe(const Struct& value, const std::string& prefix, std::vector<KeyDoc>& docs) const {
    for (const auto& field : fields_) field.describe(value, join_path(prefix, field.key), docs);
  }

 private:
  struct Field {
    std::string key;
    std::string description;
    bool scientific = true;
    /// For add_late fields: true when the value is the one left out of the scientific form.
    std::function<bool(const Struct&)> unset_in;
    std::function<void(Struct&, const YAML::Node&, const std::string&, const std::string&)> read;
    std::function<void(const Struct&, YAML::Emitter&, bool)> write;
    std::function<void(const Struct&, const std::string&, std::vector<KeyDoc>&)> describe;
    std::function<void(const Struct&, const std::string&, bool, std::map<std::string, std::string>&)> flatten;
  };

  const Field* find(const std::string& key) const {
    for (const auto& field : fields_) {
      if (field.key == key) return &field;
    }
    return nullptr;
  }

  std::vector<Field> fields_;
  std::vector<std::string> reserved_;
};

}  // namespace ufm::yaml_fields
