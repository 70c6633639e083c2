#pragma once
/// The authors' scores as scorers (science.md, "Scores"; Hartley & Tsaftaris 2022, Sec. 3):
/// label_known (M with its per-model t-test and Mann–Whitney p), label_unknown (M14, M15 and
/// their guessed labels), no_label (M2) and entropy (mean entropies and KL(p^u‖p^r)). All four
/// read one memorisation_scores() computation of the context, so they stay one pair of files.
#include <memory>

#include "scoring/scorer.h"

namespace ufm {

std::shared_ptr<const Scorer> make_label_known_scorer();
std::shared_ptr<const Scorer> make_label_unknown_scorer();
std::shared_ptr<const Scorer> make_no_label_scorer();
std::shared_ptr<const Scorer> make_entropy_scorer();

}  // namespace ufm
