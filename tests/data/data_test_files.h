#pragma once
/// Writers for small IDX and CIFAR-10 files, so reader tests run on bytes they control.
#include <zlib.h>

#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace ufm::testing {

inline void append_big_endian(std::vector<std::uint8_t>& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(value >> shift));
}

inline void write_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes, bool gzip = false) {
  if (gzip) {
    gzFile file = gzopen(path.c_str(), "wb");
    if (file == nullptr) throw std::runtime_error("gzopen failed: " + path);
    if (!bytes.empty() && gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size())) <= 0) {
      throw std::runtime_error("gzwrite failed: " + path);
    }
    if (gzclose(file) != Z_OK) throw std::runtime_error("gzclose failed: " + path);
    return;
  }
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("write failed: " + path);
}

/// Header + pixels of an idx3-ubyte file; `pixels` may be shorter or longer than the header says.
inline std::vector<std::uint8_t> idx_image_bytes(std::uint32_t count, std::uint32_t rows, std::uint32_t cols,
                                                 const std::vector<std::uint8_t>& pixels,
                                                 std::uint32_t magic = 0x00000803) {
  std::vector<std::uint8_t> out;
  append_big_endian(out, magic);
  append_big_endian(out, count);
  append_big_endian(out, rows);
  append_big_endian(out, cols);
  out.insert(out.end(), pixels.begin(), pixels.end());
  return out;
}

inline std::vector<std::uint8_t> idx_label_bytes(const std::vector<std::uint8_t>& labels,
                                                 std::uint32_t magic = 0x00000801) {
  std::vector<std::uint8_t> out;
  append_big_endian(out, magic);
  append_big_endian(out, static_cast<std::uint32_t>(labels.size()));
  out.insert(out.end(), labels.begin(), labels.end());
  return out;
}

/// Pixel i of a test image set: a pattern that differs between images and positions.
inline std::vector<std::uint8_t> pattern_pixels(std::size_t count) {
  std::vector<std::uint8_t> pixels(count);
  for (std::size_t i = 0; i < count; ++i) pixels[i] = static_cast<std::uint8_t>((i * 37 + 11) % 256);
  return pixels;
}

/// Writes the four MNIST-named IDX files (train_count/test_count images of rows×cols,
/// labels i % 10) into `directory`.
inline void write_idx_dataset(const std::string& directory, std::uint32_t train_count, std::uint32_t test_count,
                              std::uint32_t rows = 28, std::uint32_t cols = 28, bool gzip = false) {
  const std::string suffix = gzip ? ".gz" : "";
  for (const auto& [prefix, count] : {std::pair<std::string, std::uint32_t>{"train", train_count},
                                      std::pair<std::string, std::uint32_t>{"t10k", test_count}}) {
    std::vector<std::uint8_t> labels(count);
    for (std::uint32_t i = 0; i < count; ++i) labels[i] = static_cast<std::uint8_t>(i % 10);
    write_bytes(directory + "/" + prefix + "-images-idx3-ubyte" + suffix,
                idx_image_bytes(count, rows, cols, pattern_pixels(std::size_t{count} * rows * cols)), gzip);
    write_bytes(directory + "/" + prefix + "-labels-idx1-ubyte" + suffix, idx_label_bytes(labels), gzip);
  }
}

/// One CIFAR-10 record per label: the label byte, then the R, G and B planes; plane c
/// holds (label + 1) * 10 + c, and the R plane adds (pixel index mod 7) so that the
/// row-major order inside a plane is visible too.
inline std::vector<std::uint8_t> cifar_bytes(const std::vector<std::uint8_t>& labels) {
  std::vector<std::uint8_t> out;
  for (std::uint8_t label : labels) {
    out.push_back(label);
    for (int c = 0; c < 3; ++c) {
      for (int p = 0; p < 1024; ++p) {
        out.push_back(static_cast<std::uint8_t>((label + 1) * 10 + c + (c == 0 ? p % 7 : 0)));
      }
    }
  }
  return out;
}

/// data_batch_1..5.bin with `per_batch` records each and test_batch.bin with `test` records.
inline void write_cifar_dataset(const std::string& directory, int per_batch, int test) {
  for (int b = 1; b <= 5; ++b) {
    std::vector<std::uint8_t> labels(static_cast<std::size_t>(per_batch));
    for (int i = 0; i < per_batch; ++i) labels[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>((b + i) % 10);
    write_bytes(directory + "/data_batch_" + std::to_string(b) + ".bin", cifar_bytes(labels));
  }
  std::vector<std::uint8_t> labels(static_cast<std::size_t>(test));
  for (int i = 0; i < test; ++i) labels[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(i % 10);
  write_bytes(directory + "/test_batch.bin", cifar_bytes(labels));
}

}  // namespace ufm::testing
