#pragma once
/// Turning what a run produced into the arrays of its record: training history, weights,
/// tensors as float32 matrices.
#include <ATen/Tensor.h>

#include <cstdint>
#include <string>

#include "storage/run_record.h"
#include "training/trainer.h"

namespace ufm {

class Classifier;

/// `values` as a float32 array with `axes`.
ArrayData matrix(const at::Tensor& values, const std::string& axes);
/// history/* (per epoch), best_epoch and epochs_run.
void add_history(RunRecord& record, const TrainingHistory& history);
/// weights/<name> for every parameter (and buffer, with `with_buffers`: batch-norm statistics).
void save_model_state(RunRecord& record, Classifier& model, bool with_buffers);

}  // namespace ufm
