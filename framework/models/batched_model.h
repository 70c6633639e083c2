#pragma once
/// K models of one architecture as one computation: every parameter and buffer stacked
/// along a new leading axis [K, ...]; on a GPU linear layers as batched matrix products
/// (baddbmm) and convolutions as one grouped convolution (groups = K, the models' channels
/// side by side), on the CPU, where that is faster, each model's layer on its own slice;
/// batch norm with per-model statistics, and
/// dropout drawn per model from that model's own generator in the order the single model
/// draws it. The models stay independent: model k's outputs, gradients and statistics
/// depend only on its own parameters and inputs.
///
/// Built from ordinary Classifier models (initialised as in single-model training), so
/// batched and single training start from the same bits; copy_to() hands the trained
/// weights back to them.
#include <ATen/Tensor.h>
#include <ATen/core/Generator.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runtime/precision.h"
#include "models/classifier.h"

namespace ufm {

/// Model k's slices of a stacked tensor [K, ...], and back. For K = 1 both are views
/// (squeeze, unsqueeze: no copy, forward or backward), so one model through the stacked
/// path costs what it costs alone; for K > 1 unbind and stack (one copy each way).
std::vector<at::Tensor> model_slices(const at::Tensor& stacked);
at::Tensor stack_models(const std::vector<at::Tensor>& slices);

/// One parametrised layer of a traced batched pass (BatchedModel::forward with a trace):
/// what per-example gradient norms need. input is model-major [K, B, ...] (detached);
/// output is the layer's output in the pass's own layout, part of the graph, so that the
/// gradient of a loss with respect to it can be taken; output_grouped says it is
/// [B, K·C, H, W] (a grouped convolution) rather than [K, B, ...].
struct BatchedLayerRecord {
  ForwardStep step;
  at::Tensor input;
  at::Tensor output;
  bool output_grouped = false;
  /// The models the record covers: first … first + models − 1 (all of them, or one when
  /// batches of different sizes run model by model).
  std::int64_t first = 0;
  std::int64_t models = 1;
  /// A gradient with respect to `output`, as model-major [models, B, ...].
  at::Tensor model_major(const at::Tensor& output_gradient) const;
};
using BatchedTrace = std::vector<BatchedLayerRecord>;

class BatchedModel {
 public:
  /// Stacks the parameters and buffers of `models` (at least one; same parameter names and
  /// shapes, same device, a non-empty forward_steps()). Dropout of model k draws from
  /// models[k]->generator(). The models are not modified. Throws RuntimeError otherwise.
  explicit BatchedModel(const std::vector<Classifier*>& models);

  std::int64_t size() const { return size_; }
  /// The models' forward steps (Classifier::forward_steps).
  const std::vector<ForwardStep>& steps() const { return steps_; }

  /// x: float32 [K, B, C, H, W], normalised (dimension 0 may be an expanded view of one
  /// batch). Returns logits [K, B, classes]; row k is what model k's forward gives on x[k].
  /// With `trace`, every linear and conv2d step's input and output are recorded in it.
  at::Tensor forward(const at::Tensor& x, BatchedTrace* trace = nullptr);

  /// Model k's batch is its first rows[k] rows; the rest pad the stack to a common size
  /// (Poisson batches differ in size). Dropout draws model k's mask for its rows only, as
  /// it draws them alone, and zeros the padding; with per-model kernels each model then
  /// runs on its own rows only (bit for bit its computation alone) and its outputs are
  /// padded with zeros. Empty (the default): every row is real.
  void set_rows(std::vector<std::int64_t> rows) { rows_ = std::move(rows); }

  void train(bool on = true) { training_ = on; }
  void eval() { training_ = false; }
  bool is_training() const { return training_; }

  /// Stacked parameters [K, ...] in the models' parameters() order: leaves that require grad.
  const std::vector<at::Tensor>& parameters() const { return parameters_; }
  /// Stacked buffers [K, ...] in the models' buffers() order (batch-norm statistics).
  const std::vector<at::Tensor>& buffers() const { return buffers_; }
  /// "dense0.weight", ... in parameters() order.
  const std::vector<std::string>& parameter_names() const { return parameter_names_; }

  /// Writes model k's current parameters and buffers into `model` (one of the same architecture).
  void copy_to(std::int64_t k, Classifier& model) const;

  /// One kernel per layer for all K models (baddbmm, grouped convolution) instead of one
  /// call per model on its slice. Default: batched on a GPU, per model on the CPU, where
  /// it is faster. Both compute the same, up to float rounding.
  void set_batched_kernels(bool batched) { batched_kernels_ = batched; }
  bool batched_kernels() const { return batched_kernels_; }

  /// The arithmetic of the training pass (runtime/precision.h). bf16: in training mode the
  /// linear and convolution steps run on bf16 casts of their inputs, weights and biases
  /// (the casts are part of the graph, so gradients reach the fp32 parameters in fp32),
  /// the activations stay bf16 up to the next batch norm (cast back to fp32) or the logits
  /// (returned as fp32). Evaluation mode always computes in fp32. Default fp32.
  void set_precision(Precision precision) { precision_ = precision; }
  Precision precision() const { return precision_; }

  /// The device the stacked tensors live on.
  c10::Device device() const { return parameters_.front().device(); }

 private:
  at::Tensor stacked(const std::string& name) const;
  std::int64_t classes() const;  ///< outputs of the last linear step
  at::Tensor forward_models(const at::Tensor& x, std::int64_t first, std::int64_t count, BatchedTrace* trace);

  std::int64_t size_ = 0;
  std::vector<ForwardStep> steps_;
  std::vector<std::string> parameter_names_;
  std::vector<std::string> buffer_names_;
  std::vector<at::Tensor> parameters_;
  std::vector<at::Tensor> buffers_;
  std::map<std::string, at::Tensor> by_name_;
  std::vector<std::optional<at::Generator>> generators_;
  bool training_ = true;
  bool batched_kernels_ = false;
  Precision precision_ = Precision::kFp32;
  std::vector<std::int64_t> rows_;
};

}  // namespace ufm
