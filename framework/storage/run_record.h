#pragma once
/// Plain records of what a run produced, independent of HDF5 and LibTorch.
/// A record maps onto one group of the result file: attributes on the group,
/// arrays as datasets at paths relative to it ("scores/M", "history/val_loss").
#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace ufm {

using AttributeValue = std::variant<std::int64_t, double, std::string>;

struct ArrayData {
  /// Empty shape = scalar.
  std::vector<std::int64_t> shape;
  /// Comma-separated axis names in order ("epoch", "image,class"); "" for a scalar.
  std::string axes;
  std::variant<std::vector<float>, std::vector<double>, std::vector<std::int64_t>> values;

  static ArrayData scalar(double value);
  /// An int64 scalar (counts, ranks, labels).
  static ArrayData integer(std::int64_t value);
  static ArrayData vector(std::vector<double> values, std::string axis);
  std::int64_t element_count() const;
  /// Values converted to double (any stored type).
  std::vector<double> as_doubles() const;
};

struct RunRecord {
  /// The run's identity: its group name under /runs.
  std::string identity;
  std::map<std::string, AttributeValue> attributes;
  std::map<std::string, ArrayData> arrays;

  bool has_attribute(const std::string& name) const;
  /// Typed getters throw StorageError naming the run and attribute when missing or of another type.
  std::int64_t int_attribute(const std::string& name) const;
  double double_attribute(const std::string& name) const;
  std::string string_attribute(const std::string& name) const;
  const ArrayData& array(const std::string& path) const;
  bool has_array(const std::string& path) const;
};

/// What a stored run is: a control (is_control set), a one-run audit (one_run_audit set:
/// one training holding many canaries, canaries.mode one_run), a run of an unlearning
/// comparison that is not a trained pair (an unlearned variant, unlearned_from set, or a
/// reference retrained without the forget set, retrained_without set), or else a canary
/// model. Controls and canaries are the trained pairs only: the memorisation tables never
/// mix in unlearned models or retrained references (report/unlearning_table.h reads those).
bool is_control_record(const RunRecord& run);
bool is_one_run_record(const RunRecord& run);
bool is_unlearning_record(const RunRecord& run);
bool is_canary_record(const RunRecord& run);

/// An attribute as text: strings as stored, integers in decimal, doubles with 17 significant
/// digits; "" for an attribute `run` does not have.
std::string attribute_text(const AttributeValue& value);
std::string attribute_text(const RunRecord& run, const std::string& name);
std::string attribute_text(const std::map<std::string, AttributeValue>& attributes, const std::string& name);

/// A run's `varying_keys` attribute (the swept keys of its sweep point) as key → value:
/// "train.seed=3;model.name=cnn2" → {train.seed: 3, model.name: cnn2}; "" → {}.
std::map<std::string, std::string> parse_varying_keys(const std::string& text);

/// A whole result file: root attributes plus runs in identity order.
struct ResultFile {
  std::map<std::string, AttributeValue> attributes;
  std::vector<RunRecord> runs;
};

}  // namespace ufm
