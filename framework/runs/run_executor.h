#pragma once
/// Training and scoring one planned run, producing the record that storage writes.
#include <ATen/Tensor.h>

#include <functional>
#include <string>

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
  Pattern feature;
  ProbeInputs probes;
  std::int64_t ood_images = 0;
};

/// Loads and prepares the data of a point (throws ConfigError/DataError naming the problem).
ExperimentData prepare_experiment_data(const ExperimentConfig& point);

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

}  // namespace ufm
