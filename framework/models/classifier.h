#pragma once
/// The interface every model satisfies: images in, logits out. Scoring code applies
/// log_softmax itself.
#include <ATen/core/Generator.h>
#include <torch/nn/module.h>

#include <cstdint>
#include <functional>
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

/// The step's name ("linear", "conv2d", "batch_norm", "relu", ...): LayerRecord::kind of a
/// parametrised step, and how errors name a step.
const char* step_kind_name(ForwardStep::Kind kind);

/// A model is described once, by its steps (describe()): the plain and traced forward
/// passes (here), the batched pass (models/batched_model.h) and the per-example gradient
/// norms (models/per_example_norms.h) all interpret that one description, so they cannot
/// drift apart. A new architecture registers its layers and calls describe(); it writes
/// no forward pass.
class Classifier : public torch::nn::Module {
 public:
  /// x: float32 [N, C, H, W], normalised. Returns logits [N, classes].
  at::Tensor forward(const at::Tensor& x) { return forward_traced(x, nullptr); }

  /// The same computation, recording every parametrised layer into `trace` when non-null.
  /// The default interprets forward_steps(); only a test model with no description
  /// overrides it.
  virtual at::Tensor forward_traced(const at::Tensor& x, LayerTrace* trace);

  /// Logits computed from the output (pre-activation, [N, width]) of the model's first
  /// layer, for models whose steps begin with flatten → linear: the same computation as
  /// forward() after that layer. Candidate scoring (evaluation/candidate_scores.h) then
  /// updates the pre-activation for the few pixels a pattern changes instead of
  /// recomputing it. Returns an undefined tensor for other models: not supported, and
  /// callers fall back to forward().
  at::Tensor forward_from_first_layer(const at::Tensor& first_output);

  /// Random draws inside the model (dropout) come from this generator, never the global
  /// one, so a run is reproducible from its seed alone. Unset = no randomness allowed.
  void set_generator(std::optional<at::Generator> generator) { generator_ = std::move(generator); }
  const std::optional<at::Generator>& generator() const { return generator_; }

  /// One parametrised layer's own forward.
  using LayerForward = std::function<at::Tensor(const at::Tensor&)>;

  /// The forward pass (training and evaluation mode) as steps in order; empty for a model
  /// that describes none (it cannot be batched or traced by steps).
  const std::vector<ForwardStep>& forward_steps() const { return steps_; }

 protected:
  /// Sets the model's description. Every parametrised step must name a registered child
  /// module of its kind (linear: torch::nn::Linear, conv2d: Conv2d, batch norm:
  /// BatchNorm1d/2d); throws RuntimeError otherwise.
  void describe(std::vector<ForwardStep> steps);

  std::optional<at::Generator> generator_;

 private:
  /// Steps first … end applied to h.
  at::Tensor run_steps(at::Tensor h, std::size_t first, LayerTrace* trace);

  std::vector<ForwardStep> steps_;
  /// The child module of each step, and its forward (nullptr / empty for steps without parameters).
  std::vector<torch::nn::Module*> step_modules_;
  std::vector<LayerForward> step_forwards_;
};

}  // namespace ufm
