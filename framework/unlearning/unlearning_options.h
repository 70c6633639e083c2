#pragma once
/// What a post-training unlearning stage does to a trained model (issue "Unlearning the
/// canary"): the method, its strength, and the training index it forgets. Every key is
/// declared late (core/option_table.h): a run without unlearning keeps the identity it had
/// before unlearning existed, and an unlearned variant's identity is its training identity
/// plus these settings.
#include <cstdint>
#include <string>
#include <vector>

#include "core/option_table.h"

namespace ufm {

/// unlearning.reset_to: "initial", "random".
enum class ResetTo { kInitial, kRandom };
const std::vector<std::string>& option_names(ResetTo);

struct UnlearningOptions {
  /// none | a registered method (unlearning/unlearning_method.h): finetune, neggrad,
  /// neggrad_plus, localized.
  std::string method = "none";
  /// Epochs of fine-tuning on the retain set (finetune, neggrad_plus, localized).
  std::int64_t epochs = 1;
  /// Gradient-ascent steps on the forget set (neggrad).
  std::int64_t steps = 10;
  /// Learning rate of the unlearning optimiser (train.optimizer, fresh state).
  double learning_rate = 1e-4;
  /// neggrad_plus: weight of the forget set's ascent term against the retain batch's loss.
  double ascent_weight = 1.0;
  /// localized: fraction of all parameter elements reset, those of largest forget-set
  /// saliency |∂L/∂w · w|.
  double reset_fraction = 0.0;
  /// localized: initial (the values the run was initialised with) | random (a fresh draw
  /// from the model's initialiser, on its own stream).
  ResetTo reset_to = ResetTo::kInitial;
  /// Train reference (a), the model retrained with the forget images dropped from their
  /// batches, beside the unlearned models.
  bool retrain_reference = true;
  /// Training indices forgotten beside the canary's image (the forget set is the pair's
  /// canary index plus these).
  std::vector<std::int64_t> extra_forget;
  /// Set by planning in run configs: the pair's canary index, which the unlearned canary
  /// and the unlearned control both forget (−1 in a point's config).
  std::int64_t forget_index = -1;

  bool enabled() const { return method != "none"; }
  /// The forget set of a run config: forget_index, then extra_forget.
  std::vector<std::int64_t> forget_set() const;

  /// Declared once (core/option_table.h).
  static const OptionTable<UnlearningOptions>& options();
  static constexpr const char* kBlock = "unlearning";
  /// The declared rules, then: a reset fraction only for localized, no repeated or negative
  /// extra indices (ConfigError naming the key).
  void validate() const;
};

}  // namespace ufm
