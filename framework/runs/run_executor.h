#pragma once
/// Training and scoring one planned run, producing the record that storage writes.
#include <ATen/Tensor.h>
#include <c10/core/Device.h>

#include <functional>
#include <string>
#include <vector>

#include "runtime/execution_options.h"
#include "data/image_dataset.h"
#include "evaluation/probes.h"
#include "features/pattern.h"
#include "runs/run_plan.h"
#include "storage/run_record.h"
#include "training/trainer.h"

namespace ufm {

/// The tensors training reads, on the device it runs on (execution.device). On the CPU
/// they are ExperimentData's own tensors, not copies.
struct TrainingTensors {
  c10::Device device = c10::Device(c10::kCPU);
  at::Tensor train_images;  ///< normalised, without any canary
  at::Tensor train_labels;
  at::Tensor test_images;  ///< validation set for early stopping
  at::Tensor test_labels;
};

/// What every run of one sweep point shares, loaded and prepared once: the dataset, its
/// normalised splits, the unique feature and the three OOD probes (patches drawn once).
struct ExperimentData {
  ImageDataset dataset;
  at::Tensor train_images;  ///< normalised [N, C, H, W]
  at::Tensor test_images;   ///< normalised
  Pattern feature;
  ProbeInputs probes;
  std::int64_t ood_images = 0;
  /// The OOD images in [0,1] (not normalised) with their labels: runs whose feature or
  /// patches differ from `probes` (random features, independent pairs, several patch draws)
  /// and candidate scoring stamp their own patterns on them.
  ImageSplit ood;
  /// Where training happens. Scoring (probes, exposure, influence) reads the CPU tensors
  /// above after moving the trained model to the CPU.
  TrainingTensors on_device;
};

/// Loads and prepares the data of a point (throws ConfigError/DataError naming the problem).
ExperimentData prepare_experiment_data(const ExperimentConfig& point);

/// Copies the training and validation tensors to `device` once per experiment: batches are
/// then gathered there (no per-batch host-to-device copies).
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

/// The same, with the record of the run's control (its weights: see needs_control_record)
/// for the canary-versus-control exposure and M. ConfigError naming canaries.controls when
/// the run needs its control and `control` is null or holds no weights.
RunRecord execute_run(const PlannedRun& run, const ExperimentData& data, const RunEnvironment& environment,
                      const RunProgress& progress, const RunRecord* control);

/// The stored records an unlearned variant starts from and compares with (run_plan.h,
/// PlannedRun::unlearned_from): its source (the trained run), and on an unlearned canary its
/// references (b) never_seen and (a) retrained (null when not planned).
struct UnlearningInputs {
  const RunRecord* source = nullptr;
  const RunRecord* never_seen = nullptr;
  const RunRecord* retrained = nullptr;
};

/// An unlearned variant (run.unlearns()): rebuilds its source's trained model (the same
/// initialisation, then the stored weights), runs the finish stages with the unlearning
/// post-training stage, and returns its record. `control` is its unlearned control (reference
/// (c)) on an unlearned canary. ConfigError naming unlearning.method when the source is missing.
RunRecord execute_unlearning(const PlannedRun& run, const ExperimentData& data, const RunEnvironment& environment,
                             const RunRecord* control, const UnlearningInputs& inputs);

/// Runs with equal keys can be trained as one batch: they differ at most in seed and canary
/// (index, pair, batch position), so they share data, model and training settings.
std::string batch_compatibility_key(const ExperimentConfig& run_config);

/// Trains `runs` (equal batch_compatibility_key, else RuntimeError) together as one batched
/// computation (training/trainer.h) and returns their records in order, each as
/// execute_run would produce it (same initialisation, canary, generator and scoring), with
/// `parallel_models` recording the batch size and `train_seconds` the batch's training time.
/// `controls` is empty or holds, per run, its control's record (or null): see execute_run.
std::vector<RunRecord> execute_runs_batched(const std::vector<const PlannedRun*>& runs, const ExperimentData& data,
                                            const RunEnvironment& environment, const RunProgress& progress = nullptr,
                                            const std::vector<const RunRecord*>& controls = {});

/// True when `run` is a canary whose scoring needs its control's trained model
/// (evaluation.exposure with a control): run it after the control, passing its record.
bool needs_control_record(const PlannedRun& run);

/// True when `run` is a control that must store its weights (and buffers) under weights/
/// for the canaries it serves (evaluation.exposure).
bool stores_control_weights(const PlannedRun& run);

/// Copies the parameters and buffers stored under weights/ in `record` into `model`.
/// ConfigError naming `setting` when one is missing or of another shape.
void load_weights(Classifier& model, const RunRecord& record, const std::string& setting);

}  // namespace ufm
