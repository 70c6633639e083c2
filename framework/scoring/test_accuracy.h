#pragma once
/// Test accuracy as a scorer, "test_accuracy": the final (best) model on the test split.
#include <memory>

#include "scoring/scorer.h"

namespace ufm {

std::shared_ptr<const Scorer> make_test_accuracy_scorer();

}  // namespace ufm
