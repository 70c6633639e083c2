#pragma once
/// The tables of `ufm report`, each a plain Table so it renders as markdown, csv or LaTeX.
#include "report/settings.h"
#include "report/table.h"
#include "storage/run_record.h"

namespace ufm {

/// "settings": one row per setting of `grouped`: one column per grouping key (a single
/// "setting" column reading "all runs" without keys), then
///   canaries, controls                  model counts
///   M mean, M sd                        over the canaries (sd with ddof 1)
///   M > 0, p(t) < 0.05                  fractions of canaries (p = scores/M_ttest_p)
///   M−control mean, M−control sd        d = canary M − its control's M at the canary's label
///   t, p (t-test)                       one-sided one-sample t-test of d > 0 across canaries
///   W+, p (Wilcoxon)                    one-sided Wilcoxon signed-rank test of d > 0
///   test acc                            mean test accuracy of the canaries
/// Canaries without a control are left out of the d columns; tests with too few
/// differences (or all differences zero) read "nan".
Table settings_table(const GroupedRuns& grouped);

/// "seeds": the between-seed spread for each canary index of each setting (`grouped` should
/// not group by train.seed): grouping columns, canary, label, seeds (count), then mean,
/// sd, min, max over seeds of M and of M − control.
Table seed_table(const GroupedRuns& grouped);

/// "runs": one row per model, controls first, then canaries, each ordered by swept
/// settings, seed and canary index (as markdown_summary). Columns: run (full identity),
/// settings (varying_keys), seed, canary ("control" for controls), label ("all"), best
/// epoch, epochs run, test acc, M (a control's mean over labels), M − control, p (t),
/// p (MW), M2, M2 − control, M14, M15.
Table run_table(const ResultFile& file);

}  // namespace ufm
