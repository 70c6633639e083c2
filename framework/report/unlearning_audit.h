#pragma once
/// The empirical ε lower bound before and after unlearning (issue "Unlearning the canary",
/// item 4, with the audit of issue "Empirical privacy"): does an auditor still tell the
/// unlearned canaries from their controls?
#include "report/table.h"
#include "storage/run_record.h"

namespace ufm {

/// "unlearning_audit": one row per unlearning variant, over its unlearned canaries
/// (independent pairs, in canary order, alternating between the half that chooses the
/// threshold and the half that is counted, as in the audit table):
///   pairs, choose / count
///   before: epsilon lower (delta), mu lower — members are the trained canaries, non-members
///           their trained controls (reference (b)), each scored alone by its own exposure
///           (the rank of the canary's feature among the candidates, label known)
///   after:  the same with the unlearned canaries and the controls unlearned the same way
///           (reference (c)): what unlearning left for an auditor to find
///   design limit eps / mu   what a perfect auditor would show on the counted half
///   TPR / FPR after         the counted half's rates at the chosen threshold
/// Bounds hold at 95 % for the replace-one relation; "fewer than 2 pairs with the score" when
/// a variant cannot be audited. Reference (a) is not a non-member of this game: it lacks the
/// image, not only the feature.
Table unlearning_audit_table(const ResultFile& file);

}  // namespace ufm
