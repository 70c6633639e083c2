#pragma once
/// The unlearning seam: a method changes a trained model so that it forgets some training
/// images (the forget set), ideally as if it had been trained without them (../shared/
/// privacy.md, "Unlearning"). A new method is one .h/.cpp pair and one line in
/// unlearning_registry(); runs/unlearning_stage.h runs it as the post-training stage of an
/// unlearned variant.
#include <ATen/Tensor.h>
#include <ATen/core/Generator.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/registry.h"
#include "models/classifier.h"
#include "training/batches.h"
#include "training/training_options.h"
#include "unlearning/unlearning_options.h"

namespace ufm {

/// The images to forget, exactly as the model was trained on them (a canary's stamped
/// image, normalised).
struct ForgetSet {
  std::vector<std::int64_t> indices;  ///< their training indices
  at::Tensor images;                  ///< [n, C, H, W], normalised
  at::Tensor labels;                  ///< [n] int64
};

/// Everything a method may read. `training` is the view the model was trained on (its
/// canary applied); the retain set is that view with the forget set's indices dropped.
struct UnlearningContext {
  Classifier* model = nullptr;             ///< trained; changed in place
  const TrainingView* training = nullptr;  ///< as trained
  ForgetSet forget;
  at::Tensor validation_images;  ///< for the trainer's per-epoch records (no early stopping)
  at::Tensor validation_labels;
  TrainingOptions train;   ///< the run's training options (optimiser, batch size)
  UnlearningOptions options;
  /// Parameters of the model as initialised (localized, reset_to: initial), in
  /// model->parameters() order.
  std::vector<at::Tensor> initial_parameters;
  /// A fresh draw of the model's initialiser, same order (localized, reset_to: random).
  std::function<std::vector<at::Tensor>()> draw_initialisation;
  /// Draws of the method (batch order when shuffling, dropout, a fresh initialisation):
  /// its own stream of the run's seed.
  at::Generator generator;
};

class UnlearningMethod {
 public:
  virtual ~UnlearningMethod() = default;
  /// Changes *context.model so that it forgets context.forget. With zero strength (no epochs,
  /// no steps, nothing reset) the model is left exactly as it was.
  virtual void unlearn(UnlearningContext& context) const = 0;
};

using UnlearningRegistry = Registry<std::shared_ptr<UnlearningMethod>>;

/// finetune, neggrad, neggrad_plus, localized.
UnlearningRegistry& unlearning_registry();

/// Training options for `epochs` of fine-tuning at the unlearning learning rate: the run's
/// optimiser and batch size, fresh optimiser state, no early stopping.
TrainingOptions unlearning_training_options(const UnlearningContext& context, std::int64_t epochs);

/// Fine-tunes *context.model on the retain set for `epochs` epochs (nothing at 0).
void finetune_on_retain_set(UnlearningContext& context, std::int64_t epochs);

}  // namespace ufm
