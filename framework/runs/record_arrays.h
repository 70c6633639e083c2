#pragma once
/// Turning what a run produced into the arrays of its record: training history, weights,
/// tensors as float32 matrices, exposure ranks.
#include <ATen/Tensor.h>

#include <cstdint>
#include <string>

#include "evaluation/exposure.h"
#include "storage/run_record.h"
#include "training/trainer.h"

namespace ufm {

class Classifier;

/// An int64 scalar array.
ArrayData int_scalar(std::int64_t value);
/// `values` as a float32 array with `axes`.
ArrayData matrix(const at::Tensor& values, const std::string& axes);
/// history/* (per epoch), best_epoch and epochs_run.
void add_history(RunRecord& record, const TrainingHistory& history);
/// X, X_rank and X_p of one exposure ranking under `prefix` (schema.h, "Exposure").
void add_rank(RunRecord& record, const std::string& prefix, const ExposureRank& rank);
/// weights/<name> for every parameter (and buffer, with `with_buffers`: batch-norm statistics).
void save_model_state(RunRecord& record, Classifier& model, bool with_buffers);

}  // namespace ufm
