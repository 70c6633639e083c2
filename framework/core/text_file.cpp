#include "core/text_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"

namespace ufm {

std::string read_text_file(const std::string& path, const std::string& what) {
  std::error_code ignored;
  UFM_CHECK(std::filesystem::is_regular_file(path, ignored), DataError, path, ": cannot read ", what,
            " (no such file)");
  std::ifstream file(path, std::ios::binary);
  UFM_CHECK(file, DataError, path, ": cannot open ", what, " (", std::strerror(errno), ")");
  std::ostringstream text;
  text << file.rdbuf();
  UFM_CHECK(!file.bad(), DataError, path, ": error while reading ", what);
  return text.str();
}

void write_text_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  UFM_CHECK(out.good(), StorageError, path, ": cannot write");
}

void write_text_file_atomically(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp-" + std::to_string(::getpid());
  write_text_file(temporary, text);
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  UFM_CHECK(!error, StorageError, path, ": cannot rename into place: ", error.message());
}

}  // namespace ufm
