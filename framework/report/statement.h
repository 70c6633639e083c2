#pragma once
/// `ufm report FILE --statement`: a short plain-language account of each setting for a
/// data-protection officer (issue "Empirical privacy", item 7): what was tested, the
/// memorisation verdict with its p-value, the audited lower bound and, under DP, the
/// guarantee; what the numbers do and do not mean. Built from the verdicts, audit and
/// privacy tables, so it never states a number the tables do not.
#include <string>

#include "report/settings.h"

namespace ufm {

/// One paragraph block per setting of `grouped`, then one per setting of the file's one-run
/// audits (pooled over seeds: the exact binomial test of all their guesses): plain text, or Markdown (`markdown`)
/// for a paper's appendix. `null_pairs`: a calibration run's file whose measured false-positive
/// rates are quoted (nullptr: those of `file`, if it has null pairs).
std::string privacy_statement(const GroupedRuns& grouped, const ResultFile& file, bool markdown,
                              const ResultFile* null_pairs = nullptr);

}  // namespace ufm
