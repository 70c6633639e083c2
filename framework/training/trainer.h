#pragma once
/// The one trainer: K ≥ 1 classifiers of one architecture trained together as one stacked
/// computation (models/batched_model.h); a model trained alone is K = 1. Mini-batch
/// training on cross-entropy, validation each epoch, early stopping on validation loss with
/// restore of the best weights (science.md, "Training"; Keras' EarlyStopping(monitor=
/// "val_loss", restore_best_weights=True)).
///
/// Each model keeps everything it would have alone: its own initial weights, its own
/// canary (or none), its own generator for batches, augmentation and dropout (drawn in the
/// same order as alone), its own early stopping and best weights. A model that stops is
/// frozen (the optimiser no longer updates it) while the others go on. On the CPU model k's
/// weights and history are bit for bit those it gets alone (tests/training/trainer_test.cpp);
/// with batched kernels (a GPU) up to their float rounding.
///
/// Three seams (TrainingSeams): the batch sampler (training/batch_sampler.h), the
/// loss-to-gradient step (training/gradient_step.h) and a post-training hook.
#include <ATen/Tensor.h>
#include <ATen/core/Generator.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "models/classifier.h"
#include "training/augmentation.h"
#include "training/batch_sampler.h"
#include "training/batches.h"
#include "training/gradient_step.h"
#include "training/training_options.h"

namespace ufm {

struct TrainingHistory {
  std::vector<double> train_loss;      ///< mean batch loss of each epoch
  std::vector<double> train_accuracy;  ///< fraction correct during each epoch
  std::vector<double> val_loss;
  std::vector<double> val_accuracy;
  std::vector<double> epoch_seconds;   ///< time of the whole batch's epoch
  /// 1-based epoch whose weights the model holds after training ("final means best").
  std::int64_t best_epoch = 0;
  bool stopped_early = false;
  std::int64_t epochs_run() const { return static_cast<std::int64_t>(train_loss.size()); }
};

/// Called after every epoch with the history so far.
using EpochCallback = std::function<void(const TrainingHistory&)>;

/// One model of a training batch.
struct TrainingMember {
  /// Initialised; receives its final weights (the best epoch's, with early stopping).
  Classifier* model = nullptr;
  /// Its training set: every member's view must read the same images and labels (the
  /// same tensors); canary and fixed order are the member's own.
  const TrainingView* training = nullptr;
  /// Batch, shuffling and augmentation draws; dropout draws come from model->generator()
  /// (in single-model runs both are the same generator).
  at::Generator generator;
  /// Called after each epoch the model trains, while `model` holds that epoch's weights.
  EpochCallback on_epoch;
};

/// The trainer's seams. Unset members take the paper's: OrderedSampler, MeanCrossEntropy,
/// no hook.
struct TrainingSeams {
  std::shared_ptr<const BatchSampler> sampler;
  std::shared_ptr<const GradientStep> gradient_step;
  /// Called for each member once training ended and the member's model holds its final
  /// weights; may change them (a post-training step) and its history.
  std::function<void(std::size_t member, Classifier& model, TrainingHistory& history)> after_training;
};

/// The seams the options ask for: the registered sampler and gradient step of
/// sampler_name(privacy) and gradient_step_name(privacy) (DP-SGD under privacy.enabled).
TrainingSeams training_seams(const TrainingOptions& options, const PrivacyOptions& privacy);

/// Trains the members together; returns their histories in order. `options.seed` is not
/// used (the generators carry the seeds). `batched_kernels` chooses BatchedModel's kernels
/// (unset: its default for the device; on the CPU the default makes each model's
/// computation the single model's, bit for bit). Throws RuntimeError when the members do
/// not share their architecture, device or training tensors, or their batches differ in
/// size.
std::vector<TrainingHistory> train_classifiers(std::vector<TrainingMember>& members,
                                               const at::Tensor& validation_images,
                                               const at::Tensor& validation_labels, const TrainingOptions& options,
                                               const AugmentationOptions& augmentation = AugmentationOptions{},
                                               const TrainingSeams& seams = TrainingSeams{},
                                               std::optional<bool> batched_kernels = std::nullopt);

/// One model: train_classifiers with K = 1. `generator` drives every draw of the run
/// (batches, augmentation; the model's own generator drives dropout), so the same seed
/// gives the same weights bit for bit at a fixed thread count. Validation uses
/// (validation_images, validation_labels) — the test split, as the authors did.
TrainingHistory train_classifier(Classifier& model, const TrainingView& training,
                                 const at::Tensor& validation_images, const at::Tensor& validation_labels,
                                 const TrainingOptions& options, at::Generator& generator,
                                 const EpochCallback& on_epoch = nullptr,
                                 const AugmentationOptions& augmentation = AugmentationOptions{},
                                 const TrainingSeams& seams = TrainingSeams{});

struct EvaluationResult {
  double loss = 0.0;
  double accuracy = 0.0;
};

/// Mean cross-entropy and accuracy of `model` (evaluation mode, no gradients), computed
/// `batch_size` rows at a time exactly as the trainer's validation computes them.
EvaluationResult evaluate(Classifier& model, const at::Tensor& images, const at::Tensor& labels,
                          std::int64_t batch_size = 2000);

}  // namespace ufm
