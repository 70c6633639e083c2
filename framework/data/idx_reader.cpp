#include "data/idx_reader.h"

#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/error.h"

namespace ufm {
namespace {

constexpr std::uint32_t kImageMagic = 0x00000803;
constexpr std::uint32_t kLabelMagic = 0x00000801;

std::uint32_t read_big_endian(const std::vector<std::uint8_t>& bytes, std::size_t offset) {
  return (std::uint32_t{bytes[offset]} << 24) | (std::uint32_t{bytes[offset + 1]} << 16) |
         (std::uint32_t{bytes[offset + 2]} << 8) | std::uint32_t{bytes[offset + 3]};
}

std::string hex(std::uint32_t value) {
  static const char* digits = "0123456789abcdef";
  std::string out = "0x";
  for (int shift = 28; shift >= 0; shift -= 4) out += digits[(value >> shift) & 0xf];
  return out;
}

// Header = magic + one 32-bit size per dimension; returns the dimensions.
std::vector<std::uint64_t> read_header(const std::vector<std::uint8_t>& bytes, const std::string& path,
                                       std::uint32_t magic, std::size_t dims, const char* what) {
  const std::size_t header_size = 4 * (1 + dims);
  // Magic first: a label file passed as images is a wrong-kind file, not a short one.
  if (bytes.size() >= 4) {
    const std::uint32_t found = read_big_endian(bytes, 0);
    UFM_CHECK(found == magic, DataError, path, ": expected IDX ", what, " magic ", hex(magic), ", found ",
              hex(found), " (not an IDX ", what, " file?)");
  }
  UFM_CHECK(bytes.size() >= header_size, DataError, path, ": expected an IDX ", what, " header of ",
            header_size, " bytes, found a file of ", bytes.size(), " bytes");
  std::vector<std::uint64_t> sizes;
  for (std::size_t d = 0; d < dims; ++d) sizes.push_back(read_big_endian(bytes, 4 * (1 + d)));
  return sizes;
}

void check_payload(const std::vector<std::uint8_t>& bytes, const std::string& path, std::size_t header_size,
                   std::uint64_t expected, const char* what) {
  const std::uint64_t found = bytes.size() - header_size;
  UFM_CHECK(found == expected, DataError, path, ": expected ", expected, " ", what,
            " bytes after the header, found ", found, found < expected ? " (truncated?)" : " (trailing data?)");
}

std::vector<std::uint8_t> gunzip(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  UFM_CHECK(file != nullptr, DataError, path, ": cannot open for reading");
  std::vector<std::uint8_t> out;
  std::vector<std::uint8_t> chunk(1 << 20);
  int read = 0;
  while ((read = gzread(file, chunk.data(), static_cast<unsigned>(chunk.size()))) > 0) {
    out.insert(out.end(), chunk.begin(), chunk.begin() + read);
  }
  int code = Z_OK;
  const char* message = gzerror(file, &code);
  const std::string detail = message ? message : "";
  const int close_code = gzclose(file);
  // A truncated stream shows up as a read error or as Z_BUF_ERROR on close.
  UFM_CHECK(read == 0 && (code == Z_OK || code == Z_STREAM_END) && close_code == Z_OK, DataError, path,
            ": corrupt or truncated gzip data", detail.empty() ? "" : " (", detail, detail.empty() ? "" : ")");
  return out;
}

}  // namespace

std::vector<std::uint8_t> read_maybe_gzipped(const std::string& path) {
  UFM_CHECK(std::filesystem::is_regular_file(path), DataError, path, ": file not found");
  std::ifstream in(path, std::ios::binary);
  UFM_CHECK(in.good(), DataError, path, ": cannot open for reading");
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  UFM_CHECK(!in.bad(), DataError, path, ": read error");
  if (bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b) return gunzip(path);
  return bytes;
}

RawImages read_idx_images(const std::string& path) {
  const std::vector<std::uint8_t> bytes = read_maybe_gzipped(path);
  const std::vector<std::uint64_t> dims = read_header(bytes, path, kImageMagic, 3, "image");
  RawImages images;
  images.count = static_cast<std::int64_t>(dims[0]);
  images.channels = 1;
  images.height = static_cast<std::int64_t>(dims[1]);
  images.width = static_cast<std::int64_t>(dims[2]);
  check_payload(bytes, path, 16, dims[0] * dims[1] * dims[2], "pixel");
  images.pixels.assign(bytes.begin() + 16, bytes.end());
  return images;
}

std::vector<std::int64_t> read_idx_labels(const std::string& path) {
  const std::vector<std::uint8_t> bytes = read_maybe_gzipped(path);
  const std::vector<std::uint64_t> dims = read_header(bytes, path, kLabelMagic, 1, "label");
  check_payload(bytes, path, 8, dims[0], "label");
  return std::vector<std::int64_t>(bytes.begin() + 8, bytes.end());
}

std::string find_idx_file(const std::string& directory, const std::string& stem) {
  const std::string plain = directory + "/" + stem;
  if (std::filesystem::is_regular_file(plain)) return plain;
  const std::string gz = plain + ".gz";
  if (std::filesystem::is_regular_file(gz)) return gz;
  UFM_CHECK(false, DataError, directory, ": expected ", stem, " or ", stem, ".gz, found neither",
            std::filesystem::is_directory(directory) ? "" : " (the directory does not exist)");
  return "";
}

}  // namespace ufm
