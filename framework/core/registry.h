#pragma once
/// A name → factory map for interchangeable components (datasets, models, patterns,
/// scores). Built-ins are added by an explicit `register_builtin_*()` call rather than
/// static self-registration, which linkers silently drop from static libraries.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/text.h"

namespace ufm {

template <typename Product, typename... Args>
class Registry {
 public:
  using Factory = std::function<Product(Args...)>;

  explicit Registry(std::string what) : what_(std::move(what)) {}

  void add(const std::string& name, const std::string& description, Factory factory) {
    UFM_CHECK(entries_.count(name) == 0, RuntimeError, what_, " '", name, "' is registered twice");
    entries_[name] = Entry{description, std::move(factory)};
  }

  bool contains(const std::string& name) const { return entries_.count(name) != 0; }

  /// Creates the product; an unknown name throws a ConfigError listing the valid names.
  Product create(const std::string& name, Args... args) const {
    return entry(name).factory(std::forward<Args>(args)...);
  }

  const std::string& description(const std::string& name) const { return entry(name).description; }

  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& [name, entry] : entries_) out.push_back(name);
    return out;
  }

 private:
  struct Entry {
    std::string description;
    Factory factory;
  };

  const Entry& entry(const std::string& name) const {
    auto it = entries_.find(name);
    UFM_CHECK(it != entries_.end(), ConfigError, "unknown ", what_, " '", name, "' (did you mean '",
              nearest(name, names()), "'? valid: ", join(names()), ")");
    return it->second;
  }

  std::string what_;
  std::map<std::string, Entry> entries_;
};

}  // namespace ufm
