#pragma once
/// Tables from result files: a pure function of the stored runs, so `ufm report` gives
/// the same table as the end of `ufm run` without retraining.
#include <string>

#include "storage/run_record.h"

namespace ufm {

/// Markdown: one row per model (controls first, then canaries by seed and index) and
/// summary rows (mean M, fraction M > 0, fraction p < 0.05, canary-minus-control means).
/// "Canary minus control" uses the control's M at the canary's label (shared/results.md).
std::string markdown_summary(const ResultFile& file);

}  // namespace ufm
