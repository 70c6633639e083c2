#pragma once
/// The verdicts' figures (gnuplot): null-pair p-values against the uniform, and pooled p
/// against the number of pairs.
#include <string>
#include <vector>

#include "report/settings.h"
#include "storage/run_record.h"

namespace ufm {

/// Writes pvalue_qq (null pairs: sorted p against uniform quantiles, one series per test)
/// and, with power data, power (Fisher p against n, log scale) into `directory`.
/// Returns the PNG paths; nothing when the file has neither. RuntimeError as write_plots.
std::vector<std::string> write_verdict_plots(const ResultFile& file, const GroupedRuns& grouped,
                                             const std::string& directory);

}  // namespace ufm
