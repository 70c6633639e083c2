#include "storage/run_record.h"

#include <cstdio>

#include "core/error.h"
#include "storage/schema.h"

namespace ufm {

namespace {

const char* type_name(const AttributeValue& value) {
  switch (value.index()) {
    case 0:
      return "int64";
    case 1:
      return "double";
    default:
      return "string";
  }
}

template <typename T>
const T& typed_attribute(const RunRecord& run, const std::string& name, const char* expected) {
  auto found = run.attributes.find(name);
  UFM_CHECK(found != run.attributes.end(), StorageError, "run '", run.identity, "': attribute '", name,
            "' is missing");
  const T* value = std::get_if<T>(&found->second);
  UFM_CHECK(value != nullptr, StorageError, "run '", run.identity, "': attribute '", name, "' expected ",
            expected, ", found ", type_name(found->second));
  return *value;
}

}  // namespace

ArrayData ArrayData::integer(std::int64_t value) {
  ArrayData array;
  array.values = std::vector<std::int64_t>{value};
  return array;
}

ArrayData ArrayData::scalar(double value) {
  ArrayData array;
  array.values = std::vector<double>{value};
  return array;
}

ArrayData ArrayData::vector(std::vector<double> values, std::string axis) {
  ArrayData array;
  array.shape = {static_cast<std::int64_t>(values.size())};
  array.axes = std::move(axis);
  array.values = std::move(values);
  return array;
}

std::int64_t ArrayData::element_count() const {
  std::int64_t count = 1;
  for (std::int64_t extent : shape) count *= extent;
  return count;
}

std::vector<double> ArrayData::as_doubles() const {
  return std::visit(
      [](const auto& stored) { return std::vector<double>(stored.begin(), stored.end()); }, values);
}

bool RunRecord::has_attribute(const std::string& name) const { return attributes.count(name) > 0; }

std::int64_t RunRecord::int_attribute(const std::string& name) const {
  return typed_attribute<std::int64_t>(*this, name, "int64");
}

double RunRecord::double_attribute(const std::string& name) const {
  return typed_attribute<double>(*this, name, "double");
}

std::string RunRecord::string_attribute(const std::string& name) const {
  return typed_attribute<std::string>(*this, name, "string");
}

const ArrayData& RunRecord::array(const std::string& path) const {
  auto found = arrays.find(path);
  UFM_CHECK(found != arrays.end(), StorageError, "run '", identity, "': array '", path, "' is missing");
  return found->second;
}

bool RunRecord::has_array(const std::string& path) const { return arrays.count(path) > 0; }

std::map<std::string, std::string> parse_varying_keys(const std::string& text) {
  std::map<std::string, std::string> values;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(';', start);
    if (end == std::string::npos) end = text.size();
    const std::string assignment = text.substr(start, end - start);
    const auto equals = assignment.find('=');
    if (equals != std::string::npos) values[assignment.substr(0, equals)] = assignment.substr(equals + 1);
    start = end + 1;
  }
  return values;
}

std::string attribute_text(const AttributeValue& value) {
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  if (const auto* integer = std::get_if<std::int64_t>(&value)) return std::to_string(*integer);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", std::get<double>(value));
  return buffer;
}

std::string attribute_text(const std::map<std::string, AttributeValue>& attributes, const std::string& name) {
  const auto found = attributes.find(name);
  return found == attributes.end() ? std::string() : attribute_text(found->second);
}

std::string attribute_text(const RunRecord& run, const std::string& name) {
  return attribute_text(run.attributes, name);
}

bool is_unlearning_record(const RunRecord& run) {
  return run.has_attribute(schema::kUnlearnedFrom) || run.has_attribute(schema::kRetrainedWithout);
}

bool is_control_record(const RunRecord& run) {
  return run.has_attribute(schema::kIsControl) && run.int_attribute(schema::kIsControl) != 0 &&
         !is_unlearning_record(run);
}

bool is_one_run_record(const RunRecord& run) {
  return run.has_attribute(schema::kOneRunAudit) && run.int_attribute(schema::kOneRunAudit) != 0;
}

bool is_canary_record(const RunRecord& run) {
  return !is_control_record(run) && !is_one_run_record(run) && !is_unlearning_record(run);
}

}  // namespace ufm
