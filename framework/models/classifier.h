#pragma once
/// The interface every model satisfies: images in, logits out. Scoring code applies
/// log_softmax itself.
#include <ATen/core/Generator.h>
#include <torch/nn/module.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ufm {

struct InputShape {
  std::int64_t channels = 1;
  std::int64_t height = 28;
  std::int64_t width = 28;
  std::int64_t classes = 10;
};

/// What one parametrised layer saw in a forward pass, for exact per-example gradient
/// norms (influence/): its input and its output (the pre-activation), so that the
/// per-example weight gradient is a function of (input, ∂loss/∂output).
struct LayerRecord {
  std::string name;                 ///< parameter prefix, e.g. "dense0"
  std::string kind;                 ///< "linear", "conv2d" or "batch_norm"
  torch::nn::Module* layer = nullptr;
  at::Tensor input;
  at::Tensor output;
};

/// Filled by a traced forward pass, in layer order.
using LayerTrace = std::vector<LayerRecord>;

/// One step of a model's forward pass as data, so that K models of one architecture can
/// run as one batched computation (models/batched_model.h). Parametrised steps name
/// their parameter prefix; every conv has stride 1 and a square kernel.
struct ForwardStep {
  enum class Kind { kFlatten, kLinear, kConv2d, kBatchNorm, kRelu, kDropout, kMaxPool2 };
  Kind kind = Kind::kRelu;
  std::string name;          ///< parameter prefix of a linear, conv2d or batch-norm layer
  std::int64_t padding = 0;  ///< conv2d: zeros added on each side
  double rate = 0.0;         ///< dropout: drop probability (> 0; a rate of 0 is no step)
  double momentum = 0.0;     ///< batch norm: LibTorch momentum of the running statistics
  double eps = 0.0;          ///< batch norm: epsilon

  static ForwardStep of(Kind kind, std::string name = {}, std::int64_t padding = 0) {
    ForwardStep step;
    step.kind = kind;
    step.name = std::move(name);
    step.padding = padding;
    return step;
  }
};

class Classifier : public torch::nn::Module {
 public:
  /// x: float32 [N, C, H, W], normalised. Returns logits [N, classes].
  at::Tensor forward(const at::Tensor& x) { return forward_traced(x, nullptr); }

  /// The same computation, recording every parametrised layer into `trace` when non-null.
  virtual at::Tensor forward_traced(const at::Tensor& x, LayerTrace* trace) = 0;

  /// Logits computed from the output (pre-activation, [N, width]) of the model's first
  /// layer, for models whose first layer is a linear layer on the flattened input: the
  /// same computation as forward() after that layer. Candidate scoring
  /// (evaluation/candidate_scores.h) then updates the pre-activation for the few pixels a
  /// pattern changes instead of recomputing it. The default returns an undefined tensor:
  /// not supported, and callers fall back to forward().
  virtual at::Tensor forward_from_first_layer(const at::Tensor& first_output) { return at::Tensor(); }

  /// Random draws inside the model (dropout) come from this generator, never the global
  /// one, so a run is reproducible from its seed alone. Unset = no randomness allowed.
  void set_generator(std::optional<at::Generator> generator) { generator_ = std::move(generator); }
  const std::optional<at::Generator>& generator() const { return generator_; }

  /// The forward pass (training and evaluation mode) as steps in order, for batching; empty
  /// when the model cannot be batched. Must compute exactly what forward_traced does
  /// (tests/models/batched_model_test.cpp checks every registered model).
  virtual std::vector<ForwardStep> forward_steps() const { return {}; }

 protected:
  std::optional<at::Generator> generator_;
};

}  // namespace ufm
