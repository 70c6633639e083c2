#pragma once
/// A fresh temporary directory per test, removed afterwards.
#include <string>

namespace ufm::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  /// path() + "/" + name.
  std::string file(const std::string& name) const;

 private:
  std::string path_;
};

/// Absolute path of a file in the source tree.
std::string source_path(const std::string& relative);

/// The Fashion-MNIST directory, or "" when the Debian package is not installed.
std::string fashion_mnist_directory();

}  // namespace ufm::testing
