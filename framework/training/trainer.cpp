#include "training/trainer.h"

#include "models/eval_mode.h"

#include <ATen/ATen.h>
#include <torch/nn/module.h>

#include <chrono>
#include <limits>

#include "core/fault_injection.h"
#include "training/optimizer.h"

namespace ufm {
namespace {

// Copies of every parameter and buffer, to restore the best epoch's weights.
std::vector<at::Tensor> snapshot(const torch::nn::Module& model) {
  std::vector<at::Tensor> out;
  for (const auto& p : model.parameters()) out.push_back(p.detach().clone());
  for (const auto& b : model.buffers()) out.push_back(b.detach().clone());
  return out;
}

void restore(torch::nn::Module& model, const std::vector<at::Tensor>& saved) {
  at::NoGradGuard no_grad;
  std::size_t i = 0;
  for (auto& p : model.parameters()) p.copy_(saved[i++]);
  for (auto& b : model.buffers()) b.copy_(saved[i++]);
}

}  // namespace

EvaluationResult evaluate(Classifier& model, const at::Tensor& images, const at::Tensor& labels,
                          std::int64_t batch_size) {
  at::NoGradGuard no_grad;
  EvalModeGuard eval_mode(model);
  double loss_sum = 0.0;
  std::int64_t correct = 0;
  const std::int64_t n = images.size(0);
  for (std::int64_t begin = 0; begin < n; begin += batch_size) {
    const std::int64_t count = std::min(batch_size, n - begin);
    at::Tensor logits = model.forward(images.narrow(0, begin, count));
    at::Tensor target = labels.narrow(0, begin, count);
    loss_sum += at::cross_entropy_loss(logits, target, {}, at::Reduction::Sum).item<double>();
    correct += logits.argmax(1).eq(target).sum().item<std::int64_t>();
  }
  return {n ? loss_sum / static_cast<double>(n) : 0.0, n ? static_cast<double>(correct) / n : 0.0};
}

TrainingHistory train_classifier(Classifier& model, const TrainingView& training,
                                 const at::Tensor& validation_images, const at::Tensor& validation_labels,
                                 const TrainingOptions& options, at::Generator& generator,
                                 const EpochCallback& on_epoch, const AugmentationOptions& augmentation) {
  std::vector<at::Tensor> parameters = model.parameters();
  std::unique_ptr<Optimizer> optimizer = make_optimizer(parameters, options);
  TrainingHistory history;
  double best_loss = std::numeric_limits<double>::infinity();
  std::vector<at::Tensor> best_weights;
  std::int64_t epochs_without_improvement = 0;
  const std::int64_t n = training.size();

  for (std::int64_t epoch = 1; epoch <= options.max_epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    model.train();
    at::Tensor order = training.order();
    if (options.shuffle) order = at::randperm(n, generator, at::TensorOptions().dtype(at::kLong));
    double loss_sum = 0.0;
    std::int64_t correct = 0;
    // The loss and accuracy of each batch are accumulated on the tensor side and read
    // once per epoch: .item() per batch would synchronise a GPU every step.
    const at::Device device = parameters.front().device();
    at::Tensor loss_total = at::zeros({}, at::TensorOptions().dtype(at::kDouble).device(device));
    at::Tensor correct_total = at::zeros({}, at::TensorOptions().dtype(at::kLong).device(device));
    for (std::int64_t begin = 0; begin < n; begin += options.batch_size) {
      const std::int64_t end = std::min(n, begin + options.batch_size);
      auto [images, labels] = training.batch(order, begin, end);
      if (augmentation.enabled) images = augment_batch(images, augmentation, generator);
      for (auto& p : parameters) p.mutable_grad().reset();
      at::Tensor logits = model.forward(images);
      at::Tensor loss = at::cross_entropy_loss(logits, labels);
      loss.backward();
      optimizer->step();
      fault_point("train_step");
      {
        at::NoGradGuard no_grad;
        loss_total.add_(loss.detach().to(at::kDouble) * static_cast<double>(end - begin));
        correct_total.add_(logits.argmax(1).eq(labels).sum());
      }
    }
    loss_sum = loss_total.item<double>();
    correct = correct_total.item<std::int64_t>();
    history.train_loss.push_back(loss_sum / static_cast<double>(n));
    history.train_accuracy.push_back(static_cast<double>(correct) / static_cast<double>(n));

    const EvaluationResult validation = evaluate(model, validation_images, validation_labels);
    history.val_loss.push_back(validation.loss);
    history.val_accuracy.push_back(validation.accuracy);
    history.epoch_seconds.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());

    // Keras' EarlyStopping: an epoch improves when its loss is strictly below the best;
    // training stops once `patience` epochs in a row have not improved.
    if (!options.early_stopping) {
      history.best_epoch = epoch;
    } else if (validation.loss < best_loss) {
      best_loss = validation.loss;
      history.best_epoch = epoch;
      best_weights = snapshot(model);
      epochs_without_improvement = 0;
    } else {
      ++epochs_without_improvement;
    }
    if (on_epoch) on_epoch(history);
    if (options.early_stopping && epochs_without_improvement >= options.patience) {
      history.stopped_early = true;
      break;
    }
  }
  // "Final means best" (shared/results.md): with early stopping the model always leaves with
  // the best epoch's weights, also when training reached max_epochs without stopping.
  // Without early stopping there is no choice to restore: the last epoch is the result.
  if (!best_weights.empty()) restore(model, best_weights);
  return history;
}

}  // namespace ufm
