#include "storage/result_file.h"

#include <H5Cpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <random>

#include "core/error.h"
#include "storage/test_records.h"
#include "storage/schema.h"
#include "support/temp_dir.h"

namespace ufm {
namespace {

namespace fs = std::filesystem;
using testing::counting_array;
using testing::sample_run;
using testing::TempDir;

void expect_same_array(const ArrayData& expected, const ArrayData& actual) {
  EXPECT_EQ(expected.shape, actual.shape);
  EXPECT_EQ(expected.axes, actual.axes);
  EXPECT_EQ(expected.values.index(), actual.values.index()) << "stored type changed";
  EXPECT_TRUE(expected.values == actual.values);
}

void expect_same_run(const RunRecord& expected, const RunRecord& actual) {
  SCOPED_TRACE(expected.identity);
  EXPECT_EQ(expected.identity, actual.identity);
  EXPECT_EQ(expected.attributes, actual.attributes);
  ASSERT_EQ(expected.arrays.size(), actual.arrays.size());
  for (const auto& [path, array] : expected.arrays) {
    SCOPED_TRACE(path);
    ASSERT_TRUE(actual.has_array(path));
    expect_same_array(array, actual.array(path));
  }
}

std::string message_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const StorageError& error) {
    return error.what();
  }
  ADD_FAILURE() << "expected StorageError";
  return "";
}

TEST(ResultFile, RoundTripsEveryAttributeAndArrayType) {
  TempDir dir;
  ResultFile file;
  file.attributes["config"] = std::string(20000, 'y') + "\nkey: \xC3\xA9t\xC3\xA9\n";  // long UTF-8
  file.attributes["count"] = std::int64_t{3};
  file.attributes["fraction"] = -0.0625;
  file.runs.push_back(sample_run("run_a"));
  RunRecord big = sample_run("run_b");
  big.arrays["probes/feature"] = counting_array<float>({10000, 10}, "image,class", 1e-3);
  big.arrays["weights/layers.0.weight"] = counting_array<double>({300, 300}, "out,in", 1e-4);
  file.runs.push_back(big);
  const std::string path = dir.file("r.h5");
  write_result_file(path, file);

  ResultFile read = read_result_file(path);
  ResultFile expected_attributes = file;
  expected_attributes.attributes[schema::kSchemaVersion] = std::int64_t{schema::kVersion};
  EXPECT_EQ(read.attributes, expected_attributes.attributes);
  ASSERT_EQ(read.runs.size(), 2u);
  expect_same_run(file.runs[0], read.runs[0]);
  expect_same_run(file.runs[1], read.runs[1]);
}

TEST(ResultFile, ReturnsRunsSortedByIdentity) {
  TempDir dir;
  ResultFile file;
  for (const char* identity : {"c", "a", "b"}) file.runs.push_back(sample_run(identity));
  write_result_file(dir.file("r.h5"), file);
  ResultFile read = read_result_file(dir.file("r.h5"));
  ASSERT_EQ(read.runs.size(), 3u);
  EXPECT_EQ(read.runs[0].identity, "a");
  EXPECT_EQ(read.runs[1].identity, "b");
  EXPECT_EQ(read.runs[2].identity, "c");
  EXPECT_EQ(stored_run_identities(dir.file("r.h5")), (std::vector<std::string>{"a", "b", "c"}));
}

TEST(ResultFile, AxesAttributeIsOnArraysAndNotOnScalars) {
  TempDir dir;
  ResultFile file;
  file.runs.push_back(sample_run("r"));
  write_result_file(dir.file("r.h5"), file);
  H5::H5File h5(dir.file("r.h5"), H5F_ACC_RDONLY);
  EXPECT_FALSE(h5.openDataSet("/runs/r/scores/M").attrExists(schema::kAxes));
  EXPECT_FALSE(h5.openDataSet("/runs/r/best_epoch").attrExists(schema::kAxes));
  H5::DataSet probes = h5.openDataSet("/runs/r/probes/clean");
  ASSERT_TRUE(probes.attrExists(schema::kAxes));
  H5::Attribute axes = probes.openAttribute(schema::kAxes);
  std::string text;
  axes.read(axes.getStrType(), text);
  EXPECT_EQ(text, "image,class");
  EXPECT_TRUE(axes.getStrType().isVariableStr());
  EXPECT_EQ(probes.getFloatType().getSize(), 4u);
  EXPECT_EQ(h5.openDataSet("/runs/r/scores/M").getSpace().getSimpleExtentType(), H5S_SCALAR);
}

TEST(ResultFile, CompressesOnlyLargeArrays) {
  TempDir dir;
  ResultFile file;
  RunRecord run = sample_run("r");
  run.arrays["probes/random"] = counting_array<float>({10000, 10}, "image,class");
  file.runs.push_back(run);
  write_result_file(dir.file("r.h5"), file);
  H5::H5File h5(dir.file("r.h5"), H5F_ACC_RDONLY);
  H5::DSetCreatPropList large = h5.openDataSet("/runs/r/probes/random").getCreatePlist();
  EXPECT_EQ(large.getLayout(), H5D_CHUNKED);
  EXPECT_GT(large.getNfilters(), 0);
  EXPECT_EQ(h5.openDataSet("/runs/r/probes/clean").getCreatePlist().getLayout(), H5D_CONTIGUOUS);
}

TEST(ResultFile, AlwaysWritesCurrentSchemaVersion) {
  TempDir dir;
  ResultFile file;
  file.attributes[schema::kSchemaVersion] = std::int64_t{99};  // a stale copy must not leak through
  write_result_file(dir.file("r.h5"), file);
  ResultFile read = read_result_file(dir.file("r.h5"));
  EXPECT_EQ(std::get<std::int64_t>(read.attributes.at(schema::kSchemaVersion)), schema::kVersion);
  EXPECT_TRUE(read.runs.empty());
}

TEST(ResultFile, RefusesNewerSchemaVersion) {
  TempDir dir;
  const std::string path = dir.file("future.h5");
  {
    H5::H5File h5(path, H5F_ACC_TRUNC);
    std::int64_t version = schema::kVersion + 6;
    h5.openGroup("/")
        .createAttribute(schema::kSchemaVersion, H5::PredType::NATIVE_INT64, H5::DataSpace(H5S_SCALAR))
        .write(H5::PredType::NATIVE_INT64, &version);
  }
  const std::string message = message_of([&] { read_result_file(path); });
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("schema_version 7 is newer than this program's 1"), std::string::npos) << message;
  EXPECT_THROW(stored_run_identities(path), StorageError);
}

TEST(ResultFile, RefusesHdf5FileWithoutSchemaVersion) {
  TempDir dir;
  const std::string path = dir.file("other.h5");
  { H5::H5File h5(path, H5F_ACC_TRUNC); }
  const std::string message = message_of([&] { read_result_file(path); });
  EXPECT_NE(message.find(path + ": not a ufm result file"), std::string::npos) << message;
}

TEST(ResultFile, MissingFileErrorNamesTheFile) {
  TempDir dir;
  const std::string path = dir.file("absent.h5");
  const std::string message = message_of([&] { read_result_file(path); });
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_TRUE(stored_run_identities(path).empty());
}

TEST(ResultFile, NonHdf5FileErrorNamesTheFile) {
  TempDir dir;
  const std::string path = dir.file("garbage.h5");
  testing::write_bytes(path, std::string(4096, '\x5a'));
  const std::string message = message_of([&] { read_result_file(path); });
  EXPECT_NE(message.find(path + ": not an HDF5 file"), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

TEST(ResultFile, TruncatedFileErrorIsOneLineNamingTheFile) {
  TempDir dir;
  const std::string path = dir.file("r.h5");
  ResultFile file;
  file.runs.push_back(sample_run("r"));
  file.runs[0].arrays["probes/random"] = counting_array<float>({10000, 10}, "image,class");
  write_result_file(path, file);
  std::string bytes = testing::read_bytes(path);
  testing::write_bytes(path, bytes.substr(0, bytes.size() / 2));
  const std::string message = message_of([&] { read_result_file(path); });
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

TEST(ResultFile, ReplacesExistingFileAndLeavesNoTemporary) {
  TempDir dir;
  const std::string path = dir.file("sub/dir/r.h5");  // parents are created
  ResultFile first;
  first.runs.push_back(sample_run("old"));
  write_result_file(path, first);
  ResultFile second;
  second.runs.push_back(sample_run("new"));
  write_result_file(path, second);
  EXPECT_EQ(stored_run_identities(path), std::vector<std::string>{"new"});
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir.file("sub/dir"))) {
    names.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(names, std::vector<std::string>{"r.h5"});
}

TEST(ResultFile, IgnoresObjectsOutsideTheSchema) {
  TempDir dir;
  const std::string path = dir.file("r.h5");
  ResultFile file;
  file.runs.push_back(sample_run("r"));
  write_result_file(path, file);
  {
    H5::H5File h5(path, H5F_ACC_RDWR);
    H5::StrType text(H5::PredType::C_S1, 8);
    h5.openGroup("/runs/r").createDataSet("notes", text, H5::DataSpace(H5S_SCALAR)).write("hello!!", text);
    hsize_t three = 3;
    int values[3] = {1, 2, 3};
    h5.openGroup("/runs/r")
        .createAttribute("vector_attribute", H5::PredType::NATIVE_INT, H5::DataSpace(1, &three))
        .write(H5::PredType::NATIVE_INT, values);
    h5.openGroup("/runs").createDataSet("stray", H5::PredType::NATIVE_INT, H5::DataSpace(H5S_SCALAR));
  }
  ResultFile read = read_result_file(path);
  ASSERT_EQ(read.runs.size(), 1u);
  expect_same_run(file.runs[0], read.runs[0]);
}

TEST(ResultFile, RejectsArraysWhoseAxesDoNotMatchTheirRank) {
  TempDir dir;
  ResultFile file;
  file.runs.push_back(sample_run("r"));
  file.runs[0].arrays["probes/clean"].axes = "image";
  const std::string message = message_of([&] { write_result_file(dir.file("r.h5"), file); });
  EXPECT_NE(message.find("/runs/r/probes/clean"), std::string::npos) << message;
  EXPECT_FALSE(fs::exists(dir.file("r.h5")));
  EXPECT_TRUE(fs::is_empty(dir.path())) << "temporary file left behind";
}

TEST(ResultFile, RejectsShapeThatDoesNotMatchValues) {
  TempDir dir;
  ResultFile file;
  file.runs.push_back(sample_run("r"));
  file.runs[0].arrays["probes/clean"].shape = {4, 4};
  EXPECT_THROW(write_result_file(dir.file("r.h5"), file), StorageError);
}

TEST(ResultFile, RejectsDuplicateOrInconsistentIdentities) {
  TempDir dir;
  ResultFile twice;
  twice.runs = {sample_run("r"), sample_run("r")};
  EXPECT_THROW(write_result_file(dir.file("r.h5"), twice), StorageError);
  ResultFile mislabelled;
  mislabelled.runs.push_back(sample_run("r"));
  mislabelled.runs[0].attributes[schema::kIdentity] = std::string("s");
  EXPECT_THROW(write_result_file(dir.file("r.h5"), mislabelled), StorageError);
}

TEST(ResultFile, WritesATypicalRunQuickly) {
  TempDir dir;
  RunRecord run = sample_run("r");
  for (int i = 0; i < 14; ++i) run.arrays["scores/s" + std::to_string(i)] = ArrayData::scalar(i);
  run.attributes["config"] = std::string(8000, 'c');
  // Noise compresses worst, so this is the slow case for the deflate filter.
  std::mt19937 generator(7);
  std::normal_distribution<float> noise;
  for (const char* probe : {"probes/clean", "probes/feature", "probes/random"}) {
    ArrayData array = counting_array<float>({10000, 10}, "image,class");
    for (float& value : std::get<std::vector<float>>(array.values)) value = noise(generator);
    run.arrays[probe] = std::move(array);
  }
  ResultFile file;
  file.runs.push_back(run);
  double best_ms = 1e9;
  for (int repeat = 0; repeat < 3; ++repeat) {
    const auto start = std::chrono::steady_clock::now();
    write_result_file(dir.file("r.h5"), file);
    const auto stop = std::chrono::steady_clock::now();
    best_ms = std::min(best_ms, std::chrono::duration<double, std::milli>(stop - start).count());
  }
  RecordProperty("write_ms", std::to_string(best_ms));
  std::printf("[ info     ] typical run written in %.1f ms\n", best_ms);
  // The target is well under 100 ms; the bound leaves room for a loaded shared machine.
  EXPECT_LT(best_ms, 250.0);
}

}  // namespace
}  // namespace ufm
