#include "storage/result_file.h"

#include <H5Cpp.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <set>

#include "core/error.h"
#include "core/fault_injection.h"
#include "storage/schema.h"

namespace ufm {

namespace {

namespace fs = std::filesystem;

// Arrays above this many elements are chunked and compressed (probes, weights); small
// ones stay contiguous, where chunk indexes and filters would cost more than they save.
constexpr std::int64_t kCompressAbove = 64 * 1024;
constexpr std::int64_t kChunkElements = 64 * 1024;
constexpr int kDeflateLevel = 4;

// The HDF5 C library is built thread-safe, but the C++ wrapper keeps shared static
// objects; runs may write pieces from several threads, so all HDF5 work is serialised.
std::mutex& hdf5_mutex() {
  static std::mutex mutex;
  return mutex;
}

// The innermost cause HDF5 recorded for its latest failure on this thread ("truncated
// file: eof = ..."). The C++ wrapper's exceptions only name the API call ("H5Fopen
// failed"), and the error stack is cleared by the next HDF5 call (any destructor), so the
// cause is captured by the automatic error handler at the moment of failure.
thread_local std::string last_cause;

herr_t remember_cause(unsigned depth, const H5E_error2_t* error, void*) {
  if (depth == 0 && error != nullptr && error->desc != nullptr) last_cause = error->desc;
  return 0;
}

herr_t on_hdf5_error(hid_t stack, void*) {
  last_cause.clear();
  H5Ewalk2(stack, H5E_WALK_UPWARD, remember_cause, nullptr);
  return 0;
}

// Replaces HDF5's stack dump on stderr (which would drown the one-line StorageError)
// with on_hdf5_error. The handler is per thread in a thread-safe HDF5, so it is
// installed on every entry.
void silence_hdf5() {
  H5Eset_auto2(H5E_DEFAULT, on_hdf5_error, nullptr);
  last_cause.clear();
}

std::string describe(const H5::Exception& error) {
  std::string detail = error.getDetailMsg();
  if (detail.empty()) detail = error.getFuncName();
  if (detail.empty()) detail = "HDF5 error";
  if (!last_cause.empty()) detail += " (" + last_cause + ")";
  return detail;
}

/// Where in the file we are, for error messages ("FILE: /runs/abc/scores/M: ...").
struct Location {
  std::string file;
  std::string object = "/";
  [[noreturn]] void fail(const H5::Exception& error) const {
    throw StorageError(detail::concat(file, ": ", object, ": ", describe(error)));
  }
};

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::string current;
  for (char c : path) {
    if (c == '/') {
      parts.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  parts.push_back(current);
  return parts;
}

std::size_t count_axes(const std::string& axes) {
  return axes.empty() ? 0 : static_cast<std::size_t>(std::count(axes.begin(), axes.end(), ',')) + 1;
}

// ---------------------------------------------------------------------------------------
// Writing

H5::StrType string_type() {
  H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
  type.setCset(H5T_CSET_UTF8);
  return type;
}

void write_attribute(H5::H5Object& object, const std::string& name, const AttributeValue& value) {
  if (object.attrExists(name)) object.removeAttr(name);
  H5::DataSpace scalar(H5S_SCALAR);
  if (const auto* integer = std::get_if<std::int64_t>(&value)) {
    H5::Attribute attribute = object.createAttribute(name, H5::PredType::NATIVE_INT64, scalar);
    attribute.write(H5::PredType::NATIVE_INT64, integer);
  } else if (const auto* real = std::get_if<double>(&value)) {
    H5::Attribute attribute = object.createAttribute(name, H5::PredType::NATIVE_DOUBLE, scalar);
    attribute.write(H5::PredType::NATIVE_DOUBLE, real);
  } else {
    H5::StrType type = string_type();
    H5::Attribute attribute = object.createAttribute(name, type, scalar);
    attribute.write(type, std::get<std::string>(value));
  }
}

H5::Group open_or_create_group(H5::Group& parent, const std::string& name) {
  if (parent.nameExists(name)) return parent.openGroup(name);
  return parent.createGroup(name);
}

/// Chunk extents of about kChunkElements elements, filled from the last axis backwards
/// so that a chunk is a run of whole rows where possible.
std::vector<hsize_t> chunk_extents(const std::vector<hsize_t>& dims) {
  std::vector<hsize_t> chunk(dims.size(), 1);
  hsize_t budget = kChunkElements;
  for (std::size_t i = dims.size(); i-- > 0;) {
    hsize_t extent = std::max<hsize_t>(dims[i], 1);
    chunk[i] = std::max<hsize_t>(1, std::min(extent, budget));
    budget = std::max<hsize_t>(1, budget / chunk[i]);
  }
  return chunk;
}

void check_array(const Location& where, const ArrayData& array) {
  for (std::int64_t extent : array.shape) {
    UFM_CHECK(extent >= 0, StorageError, where.file, ": ", where.object, ": negative extent ", extent,
              " in shape");
  }
  const std::int64_t stored =
      std::visit([](const auto& values) { return static_cast<std::int64_t>(values.size()); }, array.values);
  UFM_CHECK(stored == array.element_count(), StorageError, where.file, ": ", where.object, ": shape holds ",
            array.element_count(), " elements but ", stored, " values were given");
  if (array.shape.empty()) {
    UFM_CHECK(array.axes.empty(), StorageError, where.file, ": ", where.object,
              ": a scalar has no axes, got axes '", array.axes, "'");
  } else {
    UFM_CHECK(count_axes(array.axes) == array.shape.size(), StorageError, where.file, ": ", where.object,
              ": expected ", array.shape.size(), " comma-separated axis names, got axes '", array.axes, "'");
  }
}

void write_array(H5::Group& run_group, const std::string& path, const ArrayData& array, Location& where) {
  check_array(where, array);
  std::vector<std::string> parts = split_path(path);
  for (const std::string& part : parts) {
    UFM_CHECK(!part.empty() && part != "." && part != "..", StorageError, where.file, ": ", where.object,
              ": invalid array path '", path, "'");
  }
  // H5::Group has no copy assignment of its own, so the chain of parents is kept whole.
  std::vector<H5::Group> chain{run_group};
  chain.reserve(parts.size());
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    chain.push_back(open_or_create_group(chain.back(), parts[i]));
  }
  H5::Group& parent = chain.back();

  H5::DataSpace space;  // scalar by default
  H5::DSetCreatPropList properties;
  std::vector<hsize_t> dims(array.shape.begin(), array.shape.end());
  if (!array.shape.empty()) {
    space = H5::DataSpace(static_cast<int>(dims.size()), dims.data());
    if (array.element_count() > kCompressAbove) {
      std::vector<hsize_t> chunk = chunk_extents(dims);
      properties.setChunk(static_cast<int>(chunk.size()), chunk.data());
      properties.setShuffle();
      properties.setDeflate(kDeflateLevel);
    }
  }

  const H5::PredType* type = nullptr;
  const void* data = nullptr;
  if (const auto* floats = std::get_if<std::vector<float>>(&array.values)) {
    type = &H5::PredType::NATIVE_FLOAT;
    data = floats->data();
  } else if (const auto* doubles = std::get_if<std::vector<double>>(&array.values)) {
    type = &H5::PredType::NATIVE_DOUBLE;
    data = doubles->data();
  } else {
    type = &H5::PredType::NATIVE_INT64;
    data = std::get<std::vector<std::int64_t>>(array.values).data();
  }
  H5::DataSet dataset = parent.createDataSet(parts.back(), *type, space, properties);
  // HDF5 rejects a null buffer even for zero elements; an empty dataset needs no write.
  if (array.element_count() > 0) dataset.write(data, *type);
  if (!array.shape.empty()) write_attribute(dataset, schema::kAxes, array.axes);
}

void check_runs(const std::string& path, const ResultFile& file) {
  std::set<std::string> seen;
  for (const RunRecord& run : file.runs) {
    UFM_CHECK(!run.identity.empty() && run.identity.find('/') == std::string::npos && run.identity != "." &&
                  run.identity != "..",
              StorageError, path, ": invalid run identity '", run.identity, "'");
    UFM_CHECK(seen.insert(run.identity).second, StorageError, path, ": run '", run.identity,
              "' appears twice");
    auto stored = run.attributes.find(schema::kIdentity);
    if (stored != run.attributes.end()) {
      const auto* text = std::get_if<std::string>(&stored->second);
      UFM_CHECK(text != nullptr && *text == run.identity, StorageError, path, ": run '", run.identity,
                "' has a different '", schema::kIdentity, "' attribute");
    }
  }
}

void write_hdf5(const std::string& path, const std::string& shown_name, const ResultFile& file,
                const char* fault_point_name) {
  Location where{shown_name};
  try {
    H5::FileAccPropList access;
    access.setFcloseDegree(H5F_CLOSE_STRONG);
    // 1.8 format: compact attribute/link storage, still readable by every HDF5 since 1.8.
    access.setLibverBounds(H5F_LIBVER_V18, H5F_LIBVER_V18);
    H5::H5File h5(path, H5F_ACC_TRUNC, H5::FileCreatPropList::DEFAULT, access);
    H5::Group root = h5.openGroup("/");
    for (const auto& [name, value] : file.attributes) {
      where.object = "/@" + name;
      if (name != schema::kSchemaVersion) write_attribute(root, name, value);
    }
    where.object = std::string("/@") + schema::kSchemaVersion;
    write_attribute(root, schema::kSchemaVersion, static_cast<std::int64_t>(schema::kVersion));

    where.object = std::string("/") + schema::kRunsGroup;
    H5::Group runs = root.createGroup(schema::kRunsGroup);
    for (const RunRecord& run : file.runs) {
      const std::string run_path = std::string("/") + schema::kRunsGroup + "/" + run.identity;
      where.object = run_path;
      H5::Group group = runs.createGroup(run.identity);
      for (const auto& [name, value] : run.attributes) {
        where.object = run_path + "/@" + name;
        write_attribute(group, name, value);
      }
      for (const auto& [array_path, array] : run.arrays) {
        where.object = run_path + "/" + array_path;
        write_array(group, array_path, array, where);
      }
      h5.flush(H5F_SCOPE_LOCAL);
      // Tests kill the process here, with a partly written file on disk.
      fault_point(fault_point_name);
    }
    where.object = "/";
    h5.close();
  } catch (const H5::Exception& error) {
    where.fail(error);
  }
}

// ---------------------------------------------------------------------------------------
// Reading

/// Attributes we can represent; foreign ones (arrays, compound types) yield false.
bool read_attribute(H5::Attribute& attribute, AttributeValue& value) {
  H5::DataSpace space = attribute.getSpace();
  if (space.getSimpleExtentType() != H5S_SCALAR) return false;
  switch (attribute.getTypeClass()) {
    case H5T_INTEGER: {
      std::int64_t integer = 0;
      attribute.read(H5::PredType::NATIVE_INT64, &integer);
      value = integer;
      return true;
    }
    case H5T_FLOAT: {
      double real = 0;
      attribute.read(H5::PredType::NATIVE_DOUBLE, &real);
      value = real;
      return true;
    }
    case H5T_STRING: {
      std::string text;
      attribute.read(attribute.getStrType(), text);
      value = std::move(text);
      return true;
    }
    default:
      return false;
  }
}

std::map<std::string, AttributeValue> read_attributes(H5::H5Object& object, const std::string& object_path,
                                                      Location& where) {
  std::map<std::string, AttributeValue> attributes;
  const int count = object.getNumAttrs();
  for (int i = 0; i < count; ++i) {
    H5::Attribute attribute = object.openAttribute(static_cast<unsigned>(i));
    std::string name = attribute.getName();
    where.object = object_path + "/@" + name;
    AttributeValue value;
    if (read_attribute(attribute, value)) attributes.emplace(std::move(name), std::move(value));
  }
  return attributes;
}

std::string read_axes(H5::DataSet& dataset) {
  if (!dataset.attrExists(schema::kAxes)) return "";
  H5::Attribute attribute = dataset.openAttribute(schema::kAxes);
  AttributeValue value;
  if (!read_attribute(attribute, value)) return "";
  const auto* text = std::get_if<std::string>(&value);
  return text ? *text : "";
}

/// Reads a dataset we can represent; other datasets (strings, compounds) yield false.
bool read_array(H5::DataSet& dataset, ArrayData& array) {
  H5::DataSpace space = dataset.getSpace();
  const H5S_class_t kind = space.getSimpleExtentType();
  if (kind != H5S_SCALAR && kind != H5S_SIMPLE) return false;
  array.shape.clear();
  if (kind == H5S_SIMPLE) {
    std::vector<hsize_t> dims(static_cast<std::size_t>(space.getSimpleExtentNdims()));
    space.getSimpleExtentDims(dims.data());
    array.shape.assign(dims.begin(), dims.end());
  }
  const std::size_t count = static_cast<std::size_t>(array.element_count());
  auto fill = [&](auto values, const H5::PredType& type) {
    values.resize(count);
    if (count > 0) dataset.read(values.data(), type);
    array.values = std::move(values);
  };
  switch (dataset.getTypeClass()) {
    case H5T_FLOAT:
      if (dataset.getFloatType().getSize() <= sizeof(float)) {
        fill(std::vector<float>(), H5::PredType::NATIVE_FLOAT);
      } else {
        fill(std::vector<double>(), H5::PredType::NATIVE_DOUBLE);
      }
      break;
    case H5T_INTEGER:
      fill(std::vector<std::int64_t>(), H5::PredType::NATIVE_INT64);
      break;
    default:
      return false;
  }
  array.axes = kind == H5S_SIMPLE ? read_axes(dataset) : "";
  return true;
}

void read_arrays(H5::Group& group, const std::string& relative, const std::string& run_path,
                 std::map<std::string, ArrayData>& arrays, Location& where) {
  const hsize_t count = group.getNumObjs();
  for (hsize_t i = 0; i < count; ++i) {
    const std::string name = group.getObjnameByIdx(i);
    const std::string path = relative.empty() ? name : relative + "/" + name;
    where.object = run_path + "/" + path;
    switch (group.childObjType(name)) {
      case H5O_TYPE_GROUP: {
        H5::Group child = group.openGroup(name);
        read_arrays(child, path, run_path, arrays, where);
        break;
      }
      case H5O_TYPE_DATASET: {
        H5::DataSet dataset = group.openDataSet(name);
        ArrayData array;
        if (read_array(dataset, array)) arrays.emplace(path, std::move(array));
        break;
      }
      default:
        break;  // named types and the like are not ours
    }
  }
}

/// Opens a file for reading after the checks that give one-line messages.
H5::H5File open_for_reading(const std::string& path) {
  std::error_code ignored;
  UFM_CHECK(fs::exists(path, ignored), StorageError, path, ": no such file");
  UFM_CHECK(fs::is_regular_file(path, ignored), StorageError, path, ": not a regular file");
  bool is_hdf5 = false;
  try {
    is_hdf5 = H5::H5File::isHdf5(path);
  } catch (const H5::Exception&) {
    is_hdf5 = false;
  }
  UFM_CHECK(is_hdf5, StorageError, path, ": not an HDF5 file");
  return H5::H5File(path, H5F_ACC_RDONLY);
}

void check_schema_version(H5::Group& root, const std::string& path) {
  UFM_CHECK(root.attrExists(schema::kSchemaVersion), StorageError, path,
            ": not a ufm result file (no schema_version attribute)");
  H5::Attribute attribute = root.openAttribute(schema::kSchemaVersion);
  AttributeValue value;
  const bool readable = read_attribute(attribute, value);
  const auto* version = std::get_if<std::int64_t>(&value);
  UFM_CHECK(readable && version != nullptr, StorageError, path,
            ": schema_version is not an integer scalar attribute");
  UFM_CHECK(*version <= schema::kVersion, StorageError, path, ": schema_version ", *version,
            " is newer than this program's ", schema::kVersion);
}

ResultFile read_hdf5(const std::string& path, bool with_arrays) {
  Location where{path};
  try {
    H5::H5File h5 = open_for_reading(path);
    H5::Group root = h5.openGroup("/");
    check_schema_version(root, path);
    ResultFile file;
    file.attributes = read_attributes(root, "", where);
    where.object = std::string("/") + schema::kRunsGroup;
    if (!root.nameExists(schema::kRunsGroup)) return file;
    H5::Group runs = root.openGroup(schema::kRunsGroup);
    const hsize_t count = runs.getNumObjs();
    for (hsize_t i = 0; i < count; ++i) {
      RunRecord run;
      run.identity = runs.getObjnameByIdx(i);
      const std::string run_path = std::string("/") + schema::kRunsGroup + "/" + run.identity;
      where.object = run_path;
      if (runs.childObjType(run.identity) != H5O_TYPE_GROUP) continue;
      H5::Group group = runs.openGroup(run.identity);
      run.attributes = read_attributes(group, run_path, where);
      if (with_arrays) read_arrays(group, "", run_path, run.arrays, where);
      file.runs.push_back(std::move(run));
    }
    std::sort(file.runs.begin(), file.runs.end(),
              [](const RunRecord& a, const RunRecord& b) { return a.identity < b.identity; });
    return file;
  } catch (const H5::Exception& error) {
    where.fail(error);
  }
}

// ---------------------------------------------------------------------------------------
// Files

void fsync_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  UFM_CHECK(fd >= 0, StorageError, path, ": cannot open for fsync: ", std::strerror(errno));
  const int status = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  UFM_CHECK(status == 0, StorageError, path, ": fsync failed: ", std::strerror(saved));
}

// Makes the rename durable. Best effort: some file systems refuse fsync on directories,
// and the rename is atomic there all the same.
void fsync_directory(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

void write_result_file(const std::string& path, const ResultFile& file, const char* fault_point_name) {
  check_runs(path, file);
  const fs::path target(path);
  const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code error;
  fs::create_directories(parent, error);
  UFM_CHECK(!error, StorageError, path, ": cannot create directory '", parent.string(), "': ",
            error.message());

  const std::string temporary = path + ".tmp-" + std::to_string(::getpid());
  std::lock_guard<std::mutex> lock(hdf5_mutex());
  silence_hdf5();
  try {
    write_hdf5(temporary, path, file, fault_point_name);
    fsync_file(temporary);
    UFM_CHECK(std::rename(temporary.c_str(), path.c_str()) == 0, StorageError, path,
              ": cannot rename '", temporary, "' into place: ", std::strerror(errno));
  } catch (...) {
    std::remove(temporary.c_str());
    throw;
  }
  fsync_directory(parent.string());
}

ResultFile read_result_file(const std::string& path) {
  std::lock_guard<std::mutex> lock(hdf5_mutex());
  silence_hdf5();
  return read_hdf5(path, /*with_arrays=*/true);
}

ResultFile read_result_attributes(const std::string& path) {
  std::lock_guard<std::mutex> lock(hdf5_mutex());
  silence_hdf5();
  return read_hdf5(path, /*with_arrays=*/false);
}

std::vector<std::string> stored_run_identities(const std::string& path) {
  std::error_code ignored;
  if (!fs::exists(path, ignored)) return {};
  std::lock_guard<std::mutex> lock(hdf5_mutex());
  silence_hdf5();
  Location where{path};
  try {
    H5::H5File h5 = open_for_reading(path);
    H5::Group root = h5.openGroup("/");
    check_schema_version(root, path);
    std::vector<std::string> identities;
    where.object = std::string("/") + schema::kRunsGroup;
    if (!root.nameExists(schema::kRunsGroup)) return identities;
    H5::Group runs = root.openGroup(schema::kRunsGroup);
    const hsize_t count = runs.getNumObjs();
    for (hsize_t i = 0; i < count; ++i) {
      std::string name = runs.getObjnameByIdx(i);
      if (runs.childObjType(name) == H5O_TYPE_GROUP) identities.push_back(std::move(name));
    }
    std::sort(identities.begin(), identities.end());
    return identities;
  } catch (const H5::Exception& error) {
    where.fail(error);
  }
}

}  // namespace ufm
