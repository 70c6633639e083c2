#pragma once
/// TracIn self-influence as a scorer, "self_influence" (Pruthi et al. 2020; science.md,
/// "TracIn"): every training image's Σ_t ‖∇θ ℓ‖² over the checkpoints the influence rule picks
/// from the run's loss curve (no learning-rate factor, as the authors), and the final model's
/// top-1 confidence. A canary is scored on
/// its own training set, its stamped image in place of the original at its index.
#include <ATen/Tensor.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "influence/checkpoints.h"
#include "influence/influence_options.h"
#include "scoring/scorer.h"

namespace ufm {

/// What self-influence reads; a run provides it when it kept its checkpoints (a reference
/// control, or a canary with influence.rank_after).
struct InfluenceInputs {
  const std::vector<Checkpoint>* checkpoints = nullptr;  ///< the weights after every epoch
  const std::vector<double>* train_loss = nullptr;       ///< per epoch, for the checkpoint rule
  const InfluenceOptions* options = nullptr;
  const at::Tensor* train_images = nullptr;  ///< normalised, unstamped
  const at::Tensor* train_labels = nullptr;
  std::int64_t canary_index = -1;            ///< −1 on a control
  const at::Tensor* stamped = nullptr;       ///< the canary's stamped, normalised image
};

std::shared_ptr<const Scorer> make_self_influence_scorer();

}  // namespace ufm
