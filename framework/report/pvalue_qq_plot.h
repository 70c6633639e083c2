#pragma once
/// The p-value QQ plot both the verdicts (null pairs) and the one-run audits draw: each
/// series' p-values sorted against the uniform quantiles i/(n+1), beside y = x. A calibrated
/// null lies on the diagonal; power shows as points below it.
#include <string>
#include <vector>

namespace ufm {

struct PValueSeries {
  std::string name;       ///< the data file's "# name" line; the legend adds "(n)"
  std::vector<double> p;  ///< any order
};

/// Writes NAME.{dat,gp,png} into `directory` (created if missing) and returns the PNG path;
/// "" (nothing written) when every series is empty. `log_axes` draws both axes on a log scale
/// with the lines p = 0.05 and p = 0.01 (p floored at 1e-300); else [0, 1] × [0, 1].
/// RuntimeError as render_gnuplot.
std::string write_pvalue_qq_plot(const std::string& directory, const std::string& name, const std::string& title,
                                 const std::vector<PValueSeries>& series, bool log_axes);

}  // namespace ufm
