#pragma once
/// Figures of a result file, drawn by gnuplot. Each figure is a data file plus a .gp script
/// written next to its PNG, so users can restyle it (`cd DIR && gnuplot NAME.gp`).
#include <string>
#include <vector>

#include "report/settings.h"
#include "storage/run_record.h"

namespace ufm {

/// Runs `gnuplot NAME.gp` in `directory` (which must produce NAME.png). RuntimeError with
/// gnuplot's first error line when it fails.
void render_gnuplot(const std::string& directory, const std::string& name);

/// A number for a gnuplot data file: 9 significant digits, NaN as gnuplot spells it.
std::string plot_number(double value);

/// True when an executable `gnuplot` is on PATH.
bool gnuplot_available();

/// Writes into `directory` (created if missing), as NAME.dat + NAME.gp → NAME.png:
///  - m_per_setting: M of every canary (jittered x per setting of `grouped`) and, beside it
///    in another colour, its control's M at the canary's label;
///  - m_by_seed: M against seed, one line per canary index and setting (only when seeds vary);
///  - m_per_epoch: scores_per_epoch/M, one line per canary and a dashed one per control at
///    each label its canaries have (only when some run stores scores_per_epoch/M);
///  - privacy_profile: δ(ε) of each private setting on a log scale, its μ-GDP profile dashed
///    beside it (only when some run stores privacy/profile_gdp_delta);
///  - feature_pattern: the unique feature (run attribute feature_pattern, "00100/01010/...")
///    as a grey heat map, 1 = white as stamped (feature_pattern_<i> for the first 8 when patterns differ).
/// Returns the PNG paths written. RuntimeError with one line when gnuplot is not on PATH
/// (checked before anything is written) or when gnuplot fails (its first error line).
std::vector<std::string> write_plots(const ResultFile& file, const GroupedRuns& grouped,
                                     const std::string& directory);

}  // namespace ufm
