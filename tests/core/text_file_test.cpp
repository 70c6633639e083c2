// Whole-file reads and writes: round trip, atomic replacement without leftovers, and
// one-line errors naming the file and what it was expected to be.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "core/error.h"
#include "core/text_file.h"
#include "support/temp_dir.h"

namespace ufm {
namespace {

using ::testing::HasSubstr;

TEST(TextFile, WhatIsWrittenIsReadBackByteForByte) {
  testing::TempDir dir;
  const std::string path = dir.file("a.yaml");
  const std::string text = "name: x\n\ttabs and 'quotes'\n\xc3\xa9\n";
  write_text_file(path, text);
  EXPECT_EQ(read_text_file(path, "a test file"), text);
  write_text_file(path, "shorter");
  EXPECT_EQ(read_text_file(path, "a test file"), "shorter");  // replaced, not appended
}

TEST(TextFile, AtomicWriteReplacesTheFileAndLeavesNoTemporary) {
  testing::TempDir dir;
  const std::string path = dir.file("units.txt");
  write_text_file(path, "old");
  write_text_file_atomically(path, "new");
  EXPECT_EQ(read_text_file(path, "a unit list"), "new");
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 1u);
}

TEST(TextFile, AMissingFileIsADataErrorNamingItAndWhatWasExpected) {
  testing::TempDir dir;
  try {
    read_text_file(dir.file("absent.yaml"), "the experiment config");
    FAIL() << "read a missing file";
  } catch (const DataError& error) {
    EXPECT_THAT(error.what(), HasSubstr("absent.yaml"));
    EXPECT_THAT(error.what(), HasSubstr("the experiment config"));
  }
}

TEST(TextFile, AnUnwritablePathIsAStorageErrorNamingIt) {
  testing::TempDir dir;
  const std::string path = dir.file("no-such-directory") + "/x.txt";
  EXPECT_THROW(write_text_file(path, "x"), StorageError);
  EXPECT_THROW(write_text_file_atomically(path, "x"), StorageError);
}

}  // namespace
}  // namespace ufm
