#pragma once
/// The table of the influence experiment (Hartley & Tsaftaris 2022, Sec. 4.3): for canaries
/// chosen by self-influence or hardness, their memorisation score and the self-influence
/// rank of their image before stamping (clean control model) and after (their own model).
#include "report/table.h"
#include "storage/run_record.h"

namespace ufm {

/// True when some canary of `file` carries a selection group or a self-influence rank.
bool has_influence_runs(const ResultFile& file);

/// "influence": for each selection group (most_influential, least_influential, hardest,
/// easiest, then any other, e.g. random canaries with influence.rank_after), one row per
/// canary ordered by rank before, then a summary row ("mean of n"):
///   group, canary (index), label, M, M − control (at the canary's label),
///   rank before, rank after   (1 = most self-influential of all training images; "" when
///                              not computed; summary rows give the medians)
/// Summary M and M − control are means over the group's canaries.
Table influence_table(const ResultFile& file);

}  // namespace ufm
