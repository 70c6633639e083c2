#pragma once
/// The control re-scored as a scorer, "control_rescore": a canary's separately trained control
/// (independent pairing) scored with this canary's feature and patch draws, so the paired
/// comparison M − M_control stays exact when features or patches differ between canaries.
#include <memory>

#include "scoring/scorer.h"

namespace ufm {

std::shared_ptr<const Scorer> make_control_rescore_scorer();

}  // namespace ufm
