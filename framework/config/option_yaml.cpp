#include "config/option_yaml.h"

#include <algorithm>

#include "config/yaml_fields.h"
#include "core/text.h"

namespace ufm::option_yaml {
namespace {

using yaml_fields::fail;
using yaml_fields::join_path;

void* mutable_of(const void* value) { return const_cast<void*>(value); }  // entries read, never write, here

void write_ref(YAML::Emitter& out, const OptionRef& ref) {
  std::visit(
      [&](const auto& value) {
        if constexpr (std::is_same_v<std::decay_t<decltype(value)>, EnumRef>) {
          yaml_fields::write_value(out, value.names->at(value.get()));
        } else {
          yaml_fields::write_value(out, *value);
        }
      },
      ref);
}

void read_ref(const YAML::Node& node, const OptionRef& ref, const OptionRule& rule, const std::string& source,
              const std::string& path) {
  std::visit(
      [&](const auto& value) {
        if constexpr (std::is_same_v<std::decay_t<decltype(value)>, EnumRef>) {
          std::string name;
          yaml_fields::read_value(node, name, source, path);
          const std::vector<std::string>& names = *value.names;
          const auto found = std::find(names.begin(), names.end(), name);
          if (found == names.end()) {
            // The entry's choices are the names (OptionTable::add), so the rule says them.
            fail(source, path, "expected " + rule.describe() + ", got '" + name + "' (did you mean '" +
                                   nearest(name, names) + "'?)");
          }
          value.set(static_cast<std::size_t>(found - names.begin()));
        } else {
          yaml_fields::read_value(node, *value, source, path);
        }
      },
      ref);
}

std::string flow(const OptionRef& ref) {
  YAML::Emitter out;
  write_ref(out, ref);
  return out.c_str();
}

// A block whose every leaf was declared late and is unset: written nowhere, so that
// configs and identities stored before the block existed stay as they were.
bool block_unset(const OptionTableBase& table, const void* value) {
  for (const auto& entry : table.entries()) {
    if (entry.block) {
      if (!block_unset(*entry.block, entry.block_of(mutable_of(value)))) return false;
    } else if (!entry.unset_in || !entry.unset_in(value)) {
      return false;
    }
  }
  return !table.entries().empty();
}

bool left_out(const OptionTableBase::Entry& entry, const void* value, bool scientific_only) {
  if (entry.block) {
    return (scientific_only && !entry.scientific) ||
           block_unset(*entry.block, entry.block_of(mutable_of(value)));
  }
  return scientific_only && (!entry.scientific || (entry.unset_in && entry.unset_in(value)));
}

}  // namespace

void read(const OptionTableBase& table, void* target, const YAML::Node& node, const std::string& source,
          const std::string& path) {
  if (!node || node.IsNull()) return;
  if (!node.IsMap()) {
    fail(source, path,
         path.empty() ? "expected a map of blocks (name, data, train, ...), got " + yaml_fields::describe_node(node)
                      : "expected a map of keys, got " + yaml_fields::describe_node(node));
  }
  std::vector<std::string> seen;
  for (const auto& item : node) {
    if (!item.first.IsScalar()) fail(source, path, "expected scalar keys, got " + yaml_fields::describe_node(item.first));
    const std::string key = item.first.Scalar();
    const std::string key_path = join_path(path, key);
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) fail(source, "", "duplicate key '" + key_path + "'");
    seen.push_back(key);
    const auto& reserved = table.reserved();
    if (std::find(reserved.begin(), reserved.end(), key) != reserved.end()) continue;
    const OptionTableBase::Entry* entry = table.find(key);
    if (entry == nullptr) {
      fail(source, "", "unknown key '" + key_path + "' (did you mean '" + join_path(path, nearest(key, table.keys())) +
                           "'?)");
    }
    if (entry->block) {
      read(*entry->block, entry->block_of(target), item.second, source, key_path);
    } else {
      read_ref(item.second, entry->value(target), entry->rule, source, key_path);
    }
  }
}

void write(const OptionTableBase& table, const void* value, YAML::Emitter& out, bool scientific_only) {
  out << YAML::BeginMap;
  for (const auto& entry : table.entries()) {
    if (left_out(entry, value, scientific_only)) continue;
    out << YAML::Key << entry.key << YAML::Value;
    if (entry.block) {
      write(*entry.block, entry.block_of(mutable_of(value)), out, scientific_only);
    } else {
      write_ref(out, entry.value(mutable_of(value)));
    }
  }
  out << YAML::EndMap;
}

void flatten(const OptionTableBase& table, const void* value, const std::string& prefix, bool scientific_only,
             std::map<std::string, std::string>& out) {
  for (const auto& entry : table.entries()) {
    if (left_out(entry, value, scientific_only)) continue;
    const std::string path = join_path(prefix, entry.key);
    if (entry.block) {
      flatten(*entry.block, entry.block_of(mutable_of(value)), path, scientific_only, out);
    } else {
      out[path] = flow(entry.value(mutable_of(value)));
    }
  }
}

void describe(const OptionTableBase& table, const void* value, const std::string& prefix, std::vector<KeyDoc>& docs,
              bool scientific) {
  for (const auto& entry : table.entries()) {
    const std::string path = join_path(prefix, entry.key);
    if (entry.block) {
      describe(*entry.block, entry.block_of(mutable_of(value)), path, docs, scientific && entry.scientific);
    } else {
      const std::string note = entry.rule.note.empty() ? "" : " (" + entry.rule.note + ")";
      const std::string allowed = entry.rule.describe();
      docs.push_back(KeyDoc{path, flow(entry.value(mutable_of(value))), allowed.empty() ? "" : allowed + note,
                            entry.description, scientific && entry.scientific});
    }
  }
}

}  // namespace ufm::option_yaml
