#pragma once
/// Unique-feature patterns: small binary matrices written over image pixels
/// (science.md, "The unique feature"). Torch-free.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/option_table.h"
#include "core/random_streams.h"

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
  /// A letter A–Z (5×5, see letter_pattern), "matrix" to use `matrix`, or "random": a
  /// size×size Bernoulli(0.5) pattern drawn per canary from its own stream (feature_for_pair).
  std::string pattern = "A";
  /// Rows of 0/1 used when pattern == "matrix".
  std::vector<std::vector<int>> matrix;
  /// Top-left pixel (row and column) where the pattern is written; the paper uses 1.
  int offset = 1;
  /// Seed of the stream a "random" feature (and a decoy) is drawn from: pair k's pattern
  /// comes from stream_seed(seed, kFeature, k), whatever else the experiment draws.
  std::uint64_t seed = 0;
  /// Side of a "random" feature, in pixels.
  int size = 5;
  /// Null pairs for calibration: the canary image is stamped with a decoy (a random
  /// pattern of the feature's shape from stream_seed(seed, kDecoy, k)) instead of the
  /// feature, so the model never sees the pattern it is tested on.
  bool decoy = false;
  /// Declared once (core/option_table.h): key, default, allowed values, description.
  static const OptionTable<FeatureOptions>& options();
  /// The YAML block these options are read from.
  static constexpr const char* kBlock = "feature";
  /// The declared rules, then the rules between options; ConfigError naming the key.
  void validate() const;
};

/// Seed of random-patch draw `draw` for pair key `pair` (0 for every run under shared
/// pairing). Key (0, 0) is `patch_seed` itself, so the authors' single draw (D = 1, shared
/// pairing) is exactly the patches of earlier versions.
std::uint64_t patch_stream_seed(std::uint64_t patch_seed, std::int64_t pair, std::int64_t draw);

/// The pattern tested for pair `pair` (>= 0): for "random", size×size Bernoulli(0.5) bits
/// from stream_seed(seed, kFeature, pair); a letter or matrix is the same for every pair.
Pattern feature_for_pair(const FeatureOptions& options, std::int64_t pair);

/// The decoy stamped into pair `pair`'s training image when options.decoy is set: random
/// bits of the tested feature's shape from stream_seed(seed, kDecoy, pair).
Pattern decoy_for_pair(const FeatureOptions& options, std::int64_t pair);

/// The space of candidate patterns a feature is ranked against (evaluation.candidate_space).
enum class CandidateSpace { kRandom, kLetters, kList };
/// "random", "letters", "list".
const std::vector<std::string>& option_names(CandidateSpace);

/// The patterns a feature is ranked against (evaluation.candidate_space):
///  - "random": `count` Bernoulli(0.5) patterns of the feature's shape from
///    stream_seed(seed, kCandidates, pair); drawn like a "random" feature, so that such a
///    feature and its candidates are exchangeable (equal patterns are kept);
///  - "letters": the 26 letters A–Z without the feature itself (needs a 5×5 feature);
///  - "list": `list`, each entry rows·cols values of 0/1 in row-major order, without
///    entries equal to the feature.
/// ConfigError naming evaluation.candidates / candidate_space / candidate_list for a count
/// below 1, a candidate of the wrong size or no candidate left.
std::vector<Pattern> candidate_patterns(CandidateSpace space, std::int64_t count,
                                        const std::vector<std::vector<int>>& list, const Pattern& feature,
                                        std::uint64_t seed, std::int64_t pair);

/// The 5×5 binary letter (A matches the paper's definition exactly). Throws ConfigError
/// for anything but A–Z.
Pattern letter_pattern(char letter);

/// Checks that rows are non-empty, of equal length and hold only 0 or 1.
Pattern pattern_from_matrix(const std::vector<std::vector<int>>& matrix);

/// The pattern described by the options (for "random": pair 0's, see feature_for_pair).
Pattern resolve_pattern(const FeatureOptions& options);

/// Bernoulli(0.5) binary patterns, one per image, from their own seeded stream:
/// the same seed always gives the same patches whatever else the experiment does.
std::vector<Pattern> random_patches(std::int64_t count, int rows, int cols, std::uint64_t seed);

}  // namespace ufm
