#include "features/pattern.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "core/error.h"

namespace ufm {
namespace {

// 5×5 capital letters, one string per letter, rows separated by '/'. "A" is the
// paper's pattern (science.md); the others are our own definitions in the same style.
constexpr std::array<const char*, 26> kLetters = {
    "00100/01010/11111/10001/10001",  // A (Hartley & Tsaftaris 2022)
    "11110/10001/11110/10001/11110",  // B
    "01111/10000/10000/10000/01111",  // C
    "11110/10001/10001/10001/11110",  // D
    "11111/10000/11110/10000/11111",  // E
    "11111/10000/11110/10000/10000",  // F
    "01111/10000/10011/10001/01111",  // G
    "10001/10001/11111/10001/10001",  // H
    "11111/00100/00100/00100/11111",  // I
    "00111/00010/00010/10010/01100",  // J
    "10010/10100/11000/10100/10010",  // K
    "10000/10000/10000/10000/11111",  // L
    "10001/11011/10101/10001/10001",  // M
    "10001/11001/10101/10011/10001",  // N
    "01110/10001/10001/10001/01110",  // O
    "11110/10001/11110/10000/10000",  // P
    "01110/10001/10101/10010/01101",  // Q
    "11110/10001/11110/10100/10010",  // R
    "01111/10000/01110/00001/11110",  // S
    "11111/00100/00100/00100/00100",  // T
    "10001/10001/10001/10001/01110",  // U
    "10001/10001/10001/01010/00100",  // V
    "10001/10001/10101/11011/10001",  // W
    "10001/01010/00100/01010/10001",  // X
    "10001/01010/00100/00100/00100",  // Y
    "11111/00010/00100/01000/11111",  // Z
};

Pattern parse_rows(const std::string& text) {
  Pattern pattern;
  pattern.rows = 0;
  int col = 0;
  for (char c : text) {
    if (c == '/') {
      ++pattern.rows;
      col = 0;
      continue;
    }
    pattern.bits.push_back(static_cast<std::uint8_t>(c - '0'));
    ++col;
    pattern.cols = col;
  }
  ++pattern.rows;
  return pattern;
}

}  // namespace

std::string Pattern::to_string() const {
  std::string out;
  for (int r = 0; r < rows; ++r) {
    if (r) out += '/';
    for (int c = 0; c < cols; ++c) out += static_cast<char>('0' + at(r, c));
  }
  return out;
}

bool Pattern::operator==(const Pattern& other) const {
  return rows == other.rows && cols == other.cols && bits == other.bits;
}

const OptionTable<FeatureOptions>& FeatureOptions::options() {
  static const OptionTable<FeatureOptions> table = [] {
    OptionTable<FeatureOptions> t;
    t.add("pattern", &FeatureOptions::pattern, "unique feature: a letter A-Z (5x5), 'random' (per canary) or 'matrix'")
        .add("matrix", &FeatureOptions::matrix, "rows of 0/1 used when pattern is 'matrix'")
        .add("offset", &FeatureOptions::offset, "top-left pixel (row and column) where the pattern is written")
        .at_least(0)
        .add("seed", &FeatureOptions::seed, "seed of the random feature (and decoy) stream, keyed by pair")
        .add("size", &FeatureOptions::size, "side of a random feature in pixels")
        .at_least(1)
        .add("decoy", &FeatureOptions::decoy,
             "null pairs: stamp a random decoy instead of the tested feature (calibration)");
    return t;
  }();
  return table;
}

void FeatureOptions::validate() const {
  check_options(options(), *this, kBlock);
  if (pattern == "matrix") {
    pattern_from_matrix(matrix);
  } else if (pattern != "random") {
    UFM_CHECK(pattern.size() == 1 && std::isalpha(static_cast<unsigned char>(pattern[0])), ConfigError,
              option_path(kBlock, "pattern"), ": expected a letter A-Z, 'random' or 'matrix', got '", pattern, "'");
  }
}

std::uint64_t patch_stream_seed(std::uint64_t patch_seed, std::int64_t pair, std::int64_t draw) {
  if (pair <= 0 && draw == 0) return patch_seed;
  return stream_seed(patch_seed, StreamPurpose::kPatches, pair < 0 ? 0 : pair, draw);
}

Pattern feature_for_pair(const FeatureOptions& options, std::int64_t pair) {
  if (options.pattern != "random") return resolve_pattern(options);
  return random_patches(1, options.size, options.size,
                        stream_seed(options.seed, StreamPurpose::kFeature, std::max<std::int64_t>(pair, 0)))
      .front();
}

Pattern decoy_for_pair(const FeatureOptions& options, std::int64_t pair) {
  const Pattern feature = feature_for_pair(options, pair);
  return random_patches(1, feature.rows, feature.cols,
                        stream_seed(options.seed, StreamPurpose::kDecoy, std::max<std::int64_t>(pair, 0)))
      .front();
}

const std::vector<std::string>& option_names(CandidateSpace) {
  static const std::vector<std::string> names = {"random", "letters", "list"};
  return names;
}

std::vector<Pattern> candidate_patterns(CandidateSpace space, std::int64_t count,
                                        const std::vector<std::vector<int>>& list, const Pattern& feature,
                                        std::uint64_t seed, std::int64_t pair) {
  std::vector<Pattern> out;
  if (space == CandidateSpace::kRandom) {
    UFM_CHECK(count >= 1, ConfigError, "evaluation.candidates: expected >= 1 candidate, got ", count);
    return random_patches(count, feature.rows, feature.cols,
                          stream_seed(seed, StreamPurpose::kCandidates, std::max<std::int64_t>(pair, 0)));
  }
  if (space == CandidateSpace::kLetters) {
    UFM_CHECK(feature.rows == 5 && feature.cols == 5, ConfigError,
              "evaluation.candidate_space: the letters are 5x5 patterns but the feature is ", feature.rows, "x",
              feature.cols);
    for (char letter = 'A'; letter <= 'Z'; ++letter) {
      Pattern candidate = letter_pattern(letter);
      if (!(candidate == feature)) out.push_back(std::move(candidate));
    }
    return out;
  }
  const std::size_t expected = static_cast<std::size_t>(feature.rows) * static_cast<std::size_t>(feature.cols);
  for (std::size_t i = 0; i < list.size(); ++i) {
    UFM_CHECK(list[i].size() == expected, ConfigError, "evaluation.candidate_list: candidate ", i, " has ",
              list[i].size(), " values, expected ", expected, " (a ", feature.rows, "x", feature.cols,
              " pattern like the feature, row-major)");
    Pattern candidate;
    candidate.rows = feature.rows;
    candidate.cols = feature.cols;
    for (int value : list[i]) {
      UFM_CHECK(value == 0 || value == 1, ConfigError, "evaluation.candidate_list: candidate ", i, " holds ", value,
                ", expected only 0 or 1");
      candidate.bits.push_back(static_cast<std::uint8_t>(value));
    }
    if (!(candidate == feature)) out.push_back(std::move(candidate));
  }
  UFM_CHECK(!out.empty(), ConfigError,
            "evaluation.candidate_list: expected at least one candidate other than the feature, got none");
  return out;
}

Pattern letter_pattern(char letter) {
  const char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(letter)));
  UFM_CHECK(upper >= 'A' && upper <= 'Z', ConfigError, "feature.pattern: expected a letter A-Z, got '",
            letter, "'");
  return parse_rows(kLetters[static_cast<std::size_t>(upper - 'A')]);
}

Pattern pattern_from_matrix(const std::vector<std::vector<int>>& matrix) {
  UFM_CHECK(!matrix.empty() && !matrix.front().empty(), ConfigError,
            "feature.matrix: expected a non-empty list of rows of 0/1");
  Pattern pattern;
  pattern.rows = static_cast<int>(matrix.size());
  pattern.cols = static_cast<int>(matrix.front().size());
  for (std::size_t r = 0; r < matrix.size(); ++r) {
    UFM_CHECK(static_cast<int>(matrix[r].size()) == pattern.cols, ConfigError, "feature.matrix: row ", r,
              " has ", matrix[r].size(), " values, expected ", pattern.cols, " like row 0");
    for (int value : matrix[r]) {
      UFM_CHECK(value == 0 || value == 1, ConfigError, "feature.matrix: row ", r,
                " holds ", value, ", expected only 0 or 1");
      pattern.bits.push_back(static_cast<std::uint8_t>(value));
    }
  }
  return pattern;
}

Pattern resolve_pattern(const FeatureOptions& options) {
  if (options.pattern == "matrix") return pattern_from_matrix(options.matrix);
  if (options.pattern == "random") return feature_for_pair(options, 0);
  UFM_CHECK(options.pattern.size() == 1, ConfigError, "feature.pattern: expected a letter A-Z or 'matrix', got '",
            options.pattern, "'");
  return letter_pattern(options.pattern[0]);
}

std::vector<Pattern> random_patches(std::int64_t count, int rows, int cols, std::uint64_t seed) {
  // Bits come straight from the top bit of a 64-bit Mersenne Twister, not from
  // std::bernoulli_distribution, whose algorithm the standard leaves open.
  std::mt19937_64 generator(seed);
  std::vector<Pattern> patches(static_cast<std::size_t>(count));
  for (auto& patch : patches) {
    patch.rows = rows;
    patch.cols = cols;
    patch.bits.resize(static_cast<std::size_t>(rows * cols));
    for (auto& bit : patch.bits) bit = static_cast<std::uint8_t>(generator() >> 63);
  }
  return patches;
}

}  // namespace ufm
