#include "training/trainer.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <mutex>

#include "core/error.h"
#include "core/fault_injection.h"
#include "core/stopwatch.h"
#include "models/batched_model.h"
#include "models/eval_mode.h"
#include "training/early_stopping.h"
#include "training/optimizer.h"

namespace ufm {
namespace {

// Validation rows per forward pass: as evaluate() (2000) for one model, fewer for many, so
// that K copies of a chunk and their activations stay a few hundred megabytes.
constexpr std::int64_t kEvaluationElements = std::int64_t{1} << 24;
constexpr std::int64_t kEvaluationRows = 2000;

// Per-model validation loss (mean cross-entropy) and accuracy. With per-model kernels each
// model's loss is evaluate()'s own arithmetic on its slice (a float sum per chunk, added
// in double), so a model's history is the one it gets alone; with batched kernels one
// call for all K.
std::pair<std::vector<double>, std::vector<double>> evaluate_batched(BatchedModel& model, const at::Tensor& images,
                                                                     const at::Tensor& labels) {
  at::NoGradGuard no_grad;
  const bool was_training = model.is_training();
  model.eval();
  const std::int64_t K = model.size();
  const std::int64_t n = images.size(0);
  const std::int64_t per_image = std::max<std::int64_t>(1, images.numel() / std::max<std::int64_t>(1, n));
  const std::int64_t rows = std::clamp(kEvaluationElements / (K * per_image), std::int64_t{1}, kEvaluationRows);
  const auto device_double = at::TensorOptions().dtype(at::kDouble).device(images.device());
  at::Tensor loss_sum = at::zeros({K}, device_double);
  at::Tensor correct = at::zeros({K}, device_double.dtype(at::kLong));
  for (std::int64_t begin = 0; begin < n; begin += rows) {
    const std::int64_t count = std::min(rows, n - begin);
    const at::Tensor chunk = images.narrow(0, begin, count);
    std::vector<std::int64_t> shape{K};
    for (auto size : chunk.sizes()) shape.push_back(size);
    const at::Tensor logits = model.forward(chunk.unsqueeze(0).expand(shape));  // [K, count, classes]
    const at::Tensor target = labels.narrow(0, begin, count);
    if (model.batched_kernels()) {
      const at::Tensor losses =
          at::cross_entropy_loss(logits.reshape({K * count, -1}), target.repeat({K}), {}, at::Reduction::None)
              .view({K, count});
      loss_sum.add_(losses.sum(1).to(at::kDouble));
    } else {
      for (std::int64_t k = 0; k < K; ++k) {
        loss_sum[k].add_(at::cross_entropy_loss(logits[k], target, {}, at::Reduction::Sum).to(at::kDouble));
      }
    }
    correct.add_(logits.argmax(2).eq(target.unsqueeze(0)).sum(1));
  }
  model.train(was_training);
  const at::Tensor loss_cpu = loss_sum.cpu();
  const at::Tensor correct_cpu = correct.cpu();
  std::vector<double> loss(static_cast<std::size_t>(K)), accuracy(static_cast<std::size_t>(K));
  for (std::int64_t k = 0; k < K; ++k) {
    loss[static_cast<std::size_t>(k)] = n ? loss_cpu[k].item<double>() / static_cast<double>(n) : 0.0;
    accuracy[static_cast<std::size_t>(k)] =
        n ? static_cast<double>(correct_cpu[k].item<std::int64_t>()) / static_cast<double>(n) : 0.0;
  }
  return {loss, accuracy};
}

// A 64-bit key from a CPU generator (under its lock, as LibTorch's own draws take it).
std::uint64_t draw_key(at::Generator& generator) {
  std::lock_guard<std::mutex> lock(generator.mutex());
  return at::check_generator<at::CPUGeneratorImpl>(generator)->random64();
}

// Copies of model k's slice of every parameter and buffer.
void save_slice(const BatchedModel& model, std::int64_t k, std::vector<at::Tensor>& store) {
  at::NoGradGuard no_grad;
  std::size_t i = 0;
  for (const auto& tensor : model.parameters()) store[i++][k].copy_(tensor[k]);
  for (const auto& tensor : model.buffers()) store[i++][k].copy_(tensor[k]);
}

// Writes the saved slice k into the single model, in parameters() then buffers() order.
void restore_slice(const std::vector<at::Tensor>& store, std::int64_t k, Classifier& model) {
  at::NoGradGuard no_grad;
  std::size_t i = 0;
  for (auto& p : model.parameters()) p.copy_(store[i++][k]);
  for (auto& b : model.buffers()) b.copy_(store[i++][k]);
}

}  // namespace

TrainingSeams training_seams(const TrainingOptions& options, const PrivacyOptions& privacy) {
  TrainingSeams seams;
  seams.sampler = batch_sampler_registry().create(sampler_name(privacy), options);
  seams.gradient_step = gradient_step_registry().create(gradient_step_name(privacy), options, privacy);
  return seams;
}

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

std::vector<TrainingHistory> train_classifiers(std::vector<TrainingMember>& members,
                                               const at::Tensor& validation_images,
                                               const at::Tensor& validation_labels, const TrainingOptions& options,
                                               const AugmentationOptions& augmentation, const TrainingSeams& seams,
                                               std::optional<bool> batched_kernels) {
  UFM_CHECK(!members.empty(), RuntimeError, "train_classifiers: no models");
  const auto K = static_cast<std::int64_t>(members.size());
  const TrainingView& first = *members.front().training;
  std::vector<Classifier*> models;
  for (std::size_t k = 0; k < members.size(); ++k) {
    const TrainingMember& member = members[k];
    UFM_CHECK(member.model != nullptr && member.training != nullptr, RuntimeError, "train_classifiers: member ", k,
              " has no model or no training view");
    UFM_CHECK(member.training->images().is_same(first.images()) && member.training->labels().is_same(first.labels()),
              RuntimeError, "train_classifiers: member ", k,
              " trains on other tensors than member 0 (a batch shares its training set)");
    models.push_back(member.model);
  }
  const std::shared_ptr<const BatchSampler> sampler =
      seams.sampler ? seams.sampler : batch_sampler_registry().create("ordered", options);
  const std::shared_ptr<const GradientStep> gradient_step =
      seams.gradient_step ? seams.gradient_step
                          : gradient_step_registry().create("mean_cross_entropy", options, PrivacyOptions{});
  // A step that draws noise gets one key per model, drawn from the model's own generator
  // before anything else of its training, so a model's noise is the same trained alone or
  // beside others.
  std::vector<std::uint64_t> noise_keys;
  if (gradient_step->needs_noise_keys()) {
    for (auto& member : members) noise_keys.push_back(draw_key(member.generator));
  }

  BatchedModel batched(models);
  if (batched_kernels) batched.set_batched_kernels(*batched_kernels);
  batched.set_precision(step_precision(options.precision));
  std::vector<at::Tensor> parameters = batched.parameters();
  std::unique_ptr<Optimizer> optimizer = make_optimizer(parameters, options);
  const at::Device device = batched.device();

  std::vector<TrainingHistory> histories(members.size());
  std::vector<EarlyStopping> stopping(members.size(), EarlyStopping(options));
  std::vector<bool> active(members.size(), true);
  // Best (or, for a model that stopped without ever improving, final) weights of each model.
  std::vector<at::Tensor> saved;
  for (const auto& t : batched.parameters()) saved.push_back(at::empty_like(t, at::MemoryFormat::Contiguous).detach());
  for (const auto& t : batched.buffers()) saved.push_back(at::empty_like(t, at::MemoryFormat::Contiguous));
  std::vector<bool> has_saved(members.size(), false);
  std::int64_t run_step = 0;

  for (std::int64_t epoch = 1; epoch <= options.max_epochs; ++epoch) {
    if (std::none_of(active.begin(), active.end(), [](bool a) { return a; })) break;
    const Stopwatch start;
    batched.train();
    // Each model's batches, drawn from its own generator as it draws them alone. Stopped
    // models keep drawing (their forward still runs): it changes nothing they keep.
    std::vector<EpochBatches> batches;
    for (auto& member : members) {
      batches.push_back(sampler->epoch(*member.training, member.generator));
      drop_removed(batches.back(), *member.training);
    }
    for (std::size_t k = 1; k < members.size(); ++k) {
      UFM_CHECK(batches[k].steps() == batches[0].steps(), RuntimeError, "train_classifiers: member ", k, " takes ",
                batches[k].steps(), " steps this epoch, member 0 ", batches[0].steps(),
                " (models trained together step together)");
    }
    at::Tensor loss_total = at::zeros({K}, at::TensorOptions().dtype(at::kDouble).device(device));
    at::Tensor correct_total = at::zeros({K}, at::TensorOptions().dtype(at::kLong).device(device));
    std::vector<std::int64_t> rows_seen(members.size(), 0);
    for (std::int64_t step = 0; step < batches[0].steps(); ++step, ++run_step) {
      StepBatch batch;
      batch.step = run_step;
      batch.noise_keys = noise_keys;
      std::vector<at::Tensor> images, labels;
      std::vector<std::int64_t> rows;
      for (std::size_t k = 0; k < members.size(); ++k) {
        const std::int64_t begin = batches[k].bounds[step], end = batches[k].bounds[step + 1];
        auto [batch_images, batch_labels] = members[k].training->batch(batches[k].order, begin, end);
        if (augmentation.enabled) batch_images = augment_batch(batch_images, augmentation, members[k].generator);
        images.push_back(batch_images);
        labels.push_back(batch_labels);
        rows.push_back(end - begin);
        rows_seen[k] += end - begin;
      }
      // Batches of different sizes (or an empty one) are padded with zero rows to a common
      // size of at least one; the step and the records use each model's own rows only.
      const std::int64_t widest = std::max<std::int64_t>(1, *std::max_element(rows.begin(), rows.end()));
      const bool padded = std::any_of(rows.begin(), rows.end(), [&](std::int64_t r) { return r != widest; });
      if (padded) {
        for (std::size_t k = 0; k < members.size(); ++k) {
          const std::int64_t missing = widest - rows[k];
          if (missing == 0) continue;
          std::vector<std::int64_t> shape = images[k].sizes().vec();
          shape[0] = missing;
          images[k] = at::cat({images[k], at::zeros(shape, images[k].options())});
          labels[k] = at::cat({labels[k], at::zeros({missing}, labels[k].options())});
        }
        batch.rows = rows;
      }
      batch.x = stack_models(images);  // [K, B, C, H, W]
      batch.y = stack_models(labels);  // [K, B]
      for (auto& p : parameters) p.mutable_grad().reset();
      const StepOutput out = gradient_step->compute(batched, batch);
      batched.set_rows({});
      optimizer->step(active);
      fault_point("train_step");
      // The loss and accuracy of each batch are accumulated on the tensor side and read
      // once per epoch: .item() per batch would synchronise a GPU every step.
      at::NoGradGuard no_grad;
      const at::Tensor hits = out.logits.argmax(2).eq(batch.y);
      if (padded) {
        const at::Tensor real_rows = at::tensor(rows, at::TensorOptions().dtype(at::kLong)).to(device);
        loss_total.add_(out.losses.to(at::kDouble) * real_rows.to(at::kDouble));
        const at::Tensor positions = at::arange(widest, at::TensorOptions().dtype(at::kLong).device(device));
        correct_total.add_(hits.logical_and(positions.unsqueeze(0).lt(real_rows.unsqueeze(1))).sum(1));
      } else {
        loss_total.add_(out.losses.to(at::kDouble) * static_cast<double>(rows.front()));
        correct_total.add_(hits.sum(1));
      }
    }
    const at::Tensor loss_cpu = loss_total.cpu();
    const at::Tensor correct_cpu = correct_total.cpu();
    const auto [val_loss, val_accuracy] = evaluate_batched(batched, validation_images, validation_labels);
    const double seconds = start.seconds();

    for (std::size_t k = 0; k < members.size(); ++k) {
      if (!active[k]) continue;
      const auto index = static_cast<std::int64_t>(k);
      TrainingHistory& history = histories[k];
      // Per example the model trained on this epoch (N with fixed batches).
      const double seen = static_cast<double>(std::max<std::int64_t>(1, rows_seen[k]));
      history.train_loss.push_back(loss_cpu[index].item<double>() / seen);
      history.train_accuracy.push_back(static_cast<double>(correct_cpu[index].item<std::int64_t>()) / seen);
      history.val_loss.push_back(val_loss[k]);
      history.val_accuracy.push_back(val_accuracy[k]);
      history.epoch_seconds.push_back(seconds);
      // With early stopping the improving epoch's weights are kept; without it there is no
      // choice to restore: the last epoch is the result.
      if (stopping[k].record(epoch, val_loss[k]) && stopping[k].enabled()) {
        save_slice(batched, index, saved);
        has_saved[k] = true;
      }
      history.best_epoch = stopping[k].best_epoch();
      if (members[k].on_epoch) {
        batched.copy_to(index, *members[k].model);
        members[k].on_epoch(history);
      }
      if (stopping[k].should_stop()) {
        history.stopped_early = true;
        active[k] = false;
        // Frozen from here; keep its weights now in case it never improved (no best saved).
        if (!has_saved[k]) {
          save_slice(batched, index, saved);
          has_saved[k] = true;
        }
      }
    }
  }
  // "Final means best" (shared/results.md): with early stopping each model leaves with its
  // best epoch's weights, also when training reached max_epochs without stopping.
  for (std::size_t k = 0; k < members.size(); ++k) {
    if (has_saved[k]) {
      restore_slice(saved, static_cast<std::int64_t>(k), *members[k].model);
    } else {
      batched.copy_to(static_cast<std::int64_t>(k), *members[k].model);
    }
    if (seams.after_training) seams.after_training(k, *members[k].model, histories[k]);
  }
  return histories;
}

TrainingHistory train_classifier(Classifier& model, const TrainingView& training,
                                 const at::Tensor& validation_images, const at::Tensor& validation_labels,
                                 const TrainingOptions& options, at::Generator& generator,
                                 const EpochCallback& on_epoch, const AugmentationOptions& augmentation,
                                 const TrainingSeams& seams) {
  std::vector<TrainingMember> members{TrainingMember{&model, &training, generator, on_epoch}};
  return train_classifiers(members, validation_images, validation_labels, options, augmentation, seams).front();
}

}  // namespace ufm
