#pragma once
/// Unique-feature patterns: small binary matrices written over image pixels
/// (science.md, "The unique feature"). Torch-free.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace ufm {

struct Pattern {
  int rows = 0;
  int cols = 0;
  std::vector<std::uint8_t> bits;  ///< row-major, each 0 or 1
  std::uint8_t at(int row, int col) const { return bits[static_cast<std::size_t>(row * cols + col)]; }
  /// "00100/01010/11111/10001/10001".
  std::string to_string() const;
  bool operator==(const Pattern& other) const;
};

/// YAML block `feature`.
struct FeatureOptions {
  /// A letter A–Z (5×5, see letter_pattern) or "matrix" to use `matrix`.
  std::string pattern = "A";
  /// Rows of 0/1 used when pattern == "matrix".
  std::vector<std::vector<int>> matrix;
  /// Top-left pixel (row and column) where the pattern is written; the paper uses 1.
  int offset = 1;
  void validate() const;
};

/// The 5×5 binary letter (A matches the paper's definition exactly). Throws ConfigError
/// for anything but A–Z.
Pattern letter_pattern(char letter);

/// Checks that rows are non-empty, of equal length and hold only 0 or 1.
Pattern pattern_from_matrix(const std::vector<std::vector<int>>& matrix);

/// The pattern described by the options.
Pattern resolve_pattern(const FeatureOptions& options);

/// Bernoulli(0.5) binary patterns, one per image, from their own seeded stream:
/// the same seed always gives the same patches whatever else the experiment does.
std::vector<Pattern> random_patches(std::int64_t count, int rows, int cols, std::uint64_t seed);

}  // namespace ufm
