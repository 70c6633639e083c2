#pragma once
/// Training and scoring one planned run, producing the record that storage writes.
#include <ATen/Tensor.h>
#include <c10/core/Device.h>

#include <functional>
#include <string>
#include <vector>

#include "core/execution_options.h"
#include "data/image_dataset.h"
#include "evaluation/probes.h"
#include "features/pattern.h"
#include "runs/run_plan.h"
#include "storage/run_record.h"
#include "training/trainer.h"

namespace ufm {

/// What every run of one sweep point shares, loaded and prepared once: the dataset, its
/// normalised splits, the unique feature and the three OOD probes (patches drawn once).
struct ExperimentData {
  ImageDataset dataset;
  at::Tensor train_images;  ///< normalised [N, C, H, W]
  at::Tensor test_images;   ///< normalised
  at::Tensor train_labels;  ///< on `device`
  at::Tensor test_labels;   ///< on `device`
  /// Where the tensors above and the probes live (dataset stays on the CPU).
  c10::Device device = c10::Device(c10::kCPU);
  Pattern feature;
  ProbeInputs probes;
  std::int64_t ood_images = 0;
};

/// Loads and prepares the data of a point (throws ConfigError/DataError naming the problem).
ExperimentData prepare_experiment_data(const ExperimentConfig& point);

/// Moves the training and test tensors and the probe inputs to `device`, once per
/// experiment: batches are then gathered there.
void move_to_device(ExperimentData& data, const c10::Device& device);

/// The part of a config that determines ExperimentData (points with equal keys share it).
std::string experiment_data_key(const ExperimentConfig& point);

/// Facts about the process recorded with every run (versions, BLAS, threads, device).
struct RunEnvironment {
  std::map<std::string, AttributeValue> attributes;
};

/// Called after each epoch of the run.
using RunProgress = std::function<void(const PlannedRun&, const TrainingHistory&)>;

/// Trains the run's model from its seed, scores it on the probes and returns its record.
RunRecord execute_run(const PlannedRun& run, const ExperimentData& data, const RunEnvironment& environment,
                      const RunProgress& progress = nullptr);

/// Runs with equal keys can be trained as one batch: they differ at most in seed and
/// canary (index, batch position), so they share data, model and training settings.
std::string batch_compatibility_key(const ExperimentConfig& run_config);

/// Trains `runs` (equal batch_compatibility_key, else RuntimeError) together as one batched
/// computation (training/batched_trainer.h) and returns their records in order, each as
/// execute_run would produce it (same initialisation, canary, generator and scoring), with
/// `parallel_models` recording the batch size and `train_seconds` the batch's training time.
std::vector<RunRecord> execute_runs_batched(const std::vector<const PlannedRun*>& runs, const ExperimentData& data,
                                            const RunEnvironment& environment, const RunProgress& progress = nullptr);

}  // namespace ufm
