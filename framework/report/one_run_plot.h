#pragma once
/// The one-run audits' figure (gnuplot): each setting's per-training p-values of "no
/// memorisation", sorted, against uniform quantiles on log axes. Null audits (nothing stamped)
/// should lie on the diagonal — their calibration; audits that stamped fall below it — their
/// power; the lines at 0.05 and 0.01 read off how many single trainings reach each.
#include <string>

#include "storage/run_record.h"

namespace ufm {

/// Writes one_run_pvalues.{dat,gp,png} into `directory` and returns the PNG path; "" when
/// `file` holds no scored one-run audit. RuntimeError as write_plots (gnuplot missing or failing).
std::string write_one_run_plot(const ResultFile& file, const std::string& directory);

}  // namespace ufm
