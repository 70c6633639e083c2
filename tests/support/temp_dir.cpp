#include "support/temp_dir.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace ufm::testing {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "ufm-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::file(const std::string& name) const { return path_ + "/" + name; }

std::string source_path(const std::string& relative) { return std::string(UFM_SOURCE_DIR) + "/" + relative; }

std::string fashion_mnist_directory() {
  const std::string directory = "/usr/share/datasets/fashion-mnist";
  return std::filesystem::exists(directory + "/train-images-idx3-ubyte.gz") ? directory : "";
}

}  // namespace ufm::testing
