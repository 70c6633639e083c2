#pragma once
/// Whether two result files hold the same science, bit for bit: every run of either, by
/// identity, with the same arrays (values, shape, axes and element type) and the same
/// attributes, except those that describe when, where and how fast a run was made (timings,
/// timestamps, host, versions, worker count, and where the file was written: output.path).
/// Used to show that a change of code changed no
/// result (`ufm diff`), and by the tests of a redesign.
#include <string>
#include <vector>

#include "storage/run_record.h"

namespace ufm {

struct ResultDiffOptions {
  /// Outputs present in `after` only (a new scorer), and lines a multi-line attribute of
  /// `after` adds to `before`'s (a config with new keys at their defaults), are not
  /// differences.
  bool allow_added = false;
  /// 0: floating-point arrays must agree bit for bit. > 0: they may differ by up to
  /// tolerance · max(1, |before|) per element (another CPU's BLAS kernels round
  /// differently); integer arrays and attributes stay exact.
  double tolerance = 0.0;
};

/// True for run or root attributes that never change a result: timings ("*_seconds"),
/// timestamps, host, CPU model, versions and commit, worker count.
bool is_circumstantial_attribute(const std::string& name);

/// One line per difference ("run 1a2b…: scores/M differs at element 3: 0.1 vs 0.2"); empty
/// when the files agree. history/epoch_seconds is circumstantial too.
std::vector<std::string> result_differences(const ResultFile& before, const ResultFile& after,
                                            const ResultDiffOptions& options = {});

}  // namespace ufm
