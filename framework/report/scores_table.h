#pragma once
/// Every registered scorer's scalar outputs, read through their declarations
/// (scoring/scorer_registry.h): per setting and output, how many canaries store it, its mean
/// with a 95 % t interval over canaries, and its range. A new scorer's outputs appear here
/// without a line of report code. Descriptive only: no test, so no p-value to calibrate.
#include "report/settings.h"
#include "report/table.h"

namespace ufm {

Table scores_table(const GroupedRuns& grouped);

/// True when some canary stores a scalar output a scorer declares.
bool has_declared_scores(const GroupedRuns& grouped);

}  // namespace ufm
