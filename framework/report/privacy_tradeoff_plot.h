#pragma once
/// The figure of a DP sweep (issue "DP-SGD as a defence", item 5): what each privacy level
/// costs in accuracy and what memorisation evidence is left at it.
#include <string>

#include "report/settings.h"

namespace ufm {

/// Writes privacy_tradeoff.dat + .gp → privacy_tradeoff.png into `directory`: for each
/// private setting of `grouped`, its μ-GDP guarantee (x, log scale) against the mean test
/// accuracy of its canaries (top panel) and the Fisher-pooled p of the per-pair exposure tests
/// "exposure" and "exposure vs control" (bottom panel, log scale, with p = 0.05 dashed);
/// non-private settings are drawn as horizontal lines. Returns the PNG path; "" when no
/// setting is private. RuntimeError as write_plots (gnuplot missing or failing).
std::string write_privacy_tradeoff_plot(const GroupedRuns& grouped, const std::string& directory);

}  // namespace ufm
