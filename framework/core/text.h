#pragma once
/// Small string helpers shared by config parsing, registries and reports.
#include <string>
#include <vector>

namespace ufm {

/// Levenshtein distance, used to suggest the nearest valid key or name.
std::size_t edit_distance(const std::string& a, const std::string& b);

/// The candidate closest to `word` by edit distance, or "" when `candidates` is empty.
std::string nearest(const std::string& word, const std::vector<std::string>& candidates);

/// "a, b, c".
std::string join(const std::vector<std::string>& parts, const std::string& separator = ", ");

/// Splits on a single character; empty fields are kept.
std::vector<std::string> split(const std::string& text, char separator);

/// Formats a double with `digits` significant digits, "nan" for NaN.
std::string format_number(double value, int digits = 4);

/// "42 s" below 90 s, "17 min" below 90 min, else "2.5 h": durations for progress lines.
std::string format_duration(double seconds);

/// 64-bit FNV-1a hash as 16 lower-case hex digits (run identities).
std::string fnv1a_hex(const std::string& text);
/// The same FNV-1a 64-bit hash as a number.
std::uint64_t fnv1a_64(const std::string& text);

}  // namespace ufm
