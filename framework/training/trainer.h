#pragma once
/// Training one classifier: mini-batch Adam on cross-entropy, validation each epoch,
/// early stopping on validation loss with restore of the best weights (science.md,
/// "Training"; Keras' EarlyStopping(monitor="val_loss", restore_best_weights=True)).
#include <ATen/Tensor.h>
#include <ATen/core/Generator.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "models/classifier.h"
#include "training/augmentation.h"
#include "training/batches.h"
#include "training/training_options.h"

namespace ufm {

struct TrainingHistory {
  std::vector<double> train_loss;      ///< mean batch loss of each epoch
  std::vector<double> train_accuracy;  ///< fraction correct during each epoch
  std::vector<double> val_loss;
  std::vector<double> val_accuracy;
  std::vector<double> epoch_seconds;
  /// 1-based epoch whose weights the model holds after training ("final means best").
  std::int64_t best_epoch = 0;
  bool stopped_early = false;
  std::int64_t epochs_run() const { return static_cast<std::int64_t>(train_loss.size()); }
};

/// Called after every epoch with the history so far.
using EpochCallback = std::function<void(const TrainingHistory&)>;

struct EvaluationResult {
  double loss = 0.0;
  double accuracy = 0.0;
};

/// Mean cross-entropy and accuracy of `model` (evaluation mode, no gradients).
EvaluationResult evaluate(Classifier& model, const at::Tensor& images, const at::Tensor& labels,
                          std::int64_t batch_size = 2000);

/// Trains `model` in place. `generator` drives every random draw of the run (shuffling),
/// so the same seed gives the same weights bit for bit at a fixed thread count.
/// Validation uses (validation_images, validation_labels) — the test split, as the authors did.
TrainingHistory train_classifier(Classifier& model, const TrainingView& training,
                                 const at::Tensor& validation_images, const at::Tensor& validation_labels,
                                 const TrainingOptions& options, at::Generator& generator,
                                 const EpochCallback& on_epoch = nullptr,
                                 const AugmentationOptions& augmentation = AugmentationOptions{});

}  // namespace ufm
