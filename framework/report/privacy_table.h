#pragma once
/// The table of private training (issue "DP-SGD as a defence"): per setting, the DP-SGD
/// schedule and what it guarantees, beside the accuracy it costs. Memorisation verdicts for
/// the same settings are in the "verdicts" table.
#include "report/settings.h"
#include "report/table.h"

namespace ufm {

/// True when some run of `file` was trained with DP-SGD (it stores privacy_epsilon).
bool has_private_runs(const ResultFile& file);

/// "privacy": one row per setting: grouping columns, then
///   pairs                          canaries of the setting
///   sigma, q, steps                noise multiplier (the solved one under a target), sampling
///                                  rate, steps planned
///   epsilon (delta)                ε at privacy_delta by the RDP accountant, for the stated
///                                  relation
///   mu                             μ-GDP dominating the stored profile
///   mu (CLT approx.)               Bu et al.'s approximation: not a guarantee
///   relation, guarantee            replace | add_remove; "guarantee" or why it is none
///   test acc                       mean over the canaries
/// A setting trained without DP reads "not private" in its privacy columns.
Table privacy_table(const GroupedRuns& grouped);

}  // namespace ufm
