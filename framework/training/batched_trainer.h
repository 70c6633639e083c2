#pragma once
/// Training K models at once as one batched computation (models/batched_model.h): the
/// issue "GPU and batched multi-model training". Each model keeps everything a model
/// trained alone by train_classifier has: its own initial weights, its own canary (or
/// none), its own generator for shuffling, augmentation and dropout (drawn in the same
/// order as alone), its own early stopping and best weights. A model that stops is frozen
/// (the optimiser no longer updates it) while the others go on; training ends when every
/// model has stopped or after max_epochs.
///
/// Model k ends with the weights and history that train_classifier gives it alone: on the
/// CPU bit for bit, with batched kernels (a GPU) up to their float rounding
/// (tests/training/batched_trainer_test.cpp).
#include <ATen/Tensor.h>
#include <ATen/core/Generator.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "models/classifier.h"
#include "training/augmentation.h"
#include "training/batches.h"
#include "training/trainer.h"
#include "training/training_options.h"

namespace ufm {

/// One model of a batch, set up exactly as for train_classifier.
struct BatchMember {
  /// Initialised; receives its final weights (the best epoch's, with early stopping).
  Classifier* model = nullptr;
  /// Its training set: every member's view must read the same images and labels (the
  /// same tensors); canary and fixed order are the member's own.
  const TrainingView* training = nullptr;
  /// Shuffling and augmentation draws; dropout draws come from model->generator() (in
  /// single-model runs both are the same generator, and must be here too).
  at::Generator generator;
  /// Called after each epoch the model trains, while `model` holds that epoch's weights.
  EpochCallback on_epoch;
};

/// Trains the members together; returns their histories in order. epoch_seconds is the
/// time of the whole batch's epoch. `options.seed` is not used (the generators carry the
/// seeds). `batched_kernels` chooses BatchedModel's kernels (unset: its default for the
/// device; on the CPU the default makes each model's computation the single model's, bit
/// for bit). Throws RuntimeError when the members do not share their architecture, device
/// or training tensors.
std::vector<TrainingHistory> train_classifiers_batched(std::vector<BatchMember>& members,
                                                       const at::Tensor& validation_images,
                                                       const at::Tensor& validation_labels,
                                                       const TrainingOptions& options,
                                                       const AugmentationOptions& augmentation = AugmentationOptions{},
                                                       std::optional<bool> batched_kernels = std::nullopt);

}  // namespace ufm
