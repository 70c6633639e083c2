// Training-step benchmarks: one MLP step at batch 128 (forward, backward, Adam) as the one
// trainer takes it, as the pre-redesign single-model trainer took it, and with LibTorch's
// own Adam; and the GEMM peak they are compared with.
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <benchmark/benchmark.h>
#include <torch/optim/adam.h>

#include "runtime/runtime_info.h"
#include "models/init.h"
#include "models/model_registry.h"
#include "models/batched_model.h"
#include "training/adam.h"
#include "core/counter_random.h"
#include "training/gradient_step.h"
#include "training/private_gradient.h"

namespace {

// FLOPs of one MLP step at batch B for layer widths w0..wL: forward 2·B·Σ w_i·w_{i+1},
// backward twice that (input and weight gradients), so 6·B·Σ w_i·w_{i+1}.
double mlp_step_flops(std::int64_t batch, const std::vector<std::int64_t>& widths) {
  double sum = 0;
  for (std::size_t i = 0; i + 1 < widths.size(); ++i) sum += static_cast<double>(widths[i] * widths[i + 1]);
  return 6.0 * static_cast<double>(batch) * sum;
}

// step: 0 = LibTorch's own module forward and torch::optim::Adam; 1 = the pre-redesign
// single-model trainer's step (module forward, mean cross-entropy, the fused Adam kernel on
// the module's own memory); 2 = the one trainer's step (the model stacked as K = 1,
// MeanCrossEntropy, Adam over the stacked parameters); 3 = the one trainer's DP-SGD step
// (ClippedNoisyGradient with σ = 1, C = 1: per-example clipping and 535,818 noise draws);
// 4 = the same with σ = 0 (clipping alone); 5 = step 2 under train.precision: bf16 (the
// matrix products in bf16, runtime/precision.h); 6 and 7 = steps 2 and 5 without the optimiser
// (forward and backward only: the step minus these is Adam's share).
void BM_Training_MlpStep(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  const int variant = static_cast<int>(state.range(1));
  ufm::set_thread_count(threads);
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(0);
  auto model = ufm::create_model(ufm::ModelOptions{}, ufm::InputShape{});
  ufm::initialise_keras_defaults(*model, generator);
  at::Tensor images = at::randn({128, 1, 28, 28}, generator);
  at::Tensor labels = at::randint(0, 10, {128}, generator, at::TensorOptions().dtype(at::kLong));
  auto parameters = model->parameters();
  torch::optim::Adam torch_adam(parameters, torch::optim::AdamOptions(3e-4).eps(1e-7));
  // Variant 1: the module's parameters seen as one stacked model ([1, ...] views of the
  // same memory), so the fused kernel updates the module in place.
  std::vector<at::Tensor> views;
  for (const auto& p : parameters) views.push_back(p.detach().unsqueeze(0));
  ufm::Adam module_adam(views, ufm::AdamSettings{});
  ufm::BatchedModel stacked({model.get()});
  if (variant == 5 || variant == 7) stacked.set_precision(ufm::Precision::kBf16);
  const bool private_variant = variant == 3 || variant == 4;
  const bool with_optimiser = variant < 6;
  ufm::Adam stacked_adam(stacked.parameters(), ufm::AdamSettings{});
  const ufm::MeanCrossEntropy gradient_step;
  const ufm::ClippedNoisyGradient private_step(1.0, variant == 4 ? 0.0 : 1.0, 128.0);
  ufm::StepBatch batch;
  batch.x = images.unsqueeze(0);
  batch.y = labels.unsqueeze(0);
  batch.noise_keys = {12345};
  for (auto _ : state) {
    if (variant >= 2) {
      for (const auto& p : stacked.parameters()) at::Tensor(p).mutable_grad().reset();
      if (private_variant) {
        private_step.compute(stacked, batch);
        ++batch.step;
      } else {
        gradient_step.compute(stacked, batch);
      }
      if (with_optimiser) stacked_adam.step({true});
      continue;
    }
    for (auto& p : parameters) p.mutable_grad().reset();
    at::Tensor loss = at::cross_entropy_loss(model->forward(images), labels);
    loss.backward();
    if (variant == 1) {
      for (std::size_t i = 0; i < views.size(); ++i) views[i].mutable_grad() = parameters[i].grad().unsqueeze(0);
      module_adam.step({true});
    } else {
      torch_adam.step();
    }
  }
  const double flops = mlp_step_flops(128, {784, 512, 256, 10});
  state.counters["GFLOP/s"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  // Seconds per Fashion-MNIST epoch of 469 steps (60000 / 128, rounded up), forward+backward+optimiser only.
  state.counters["s/epoch"] =
      benchmark::Counter(static_cast<double>(state.iterations()) / 469.0, benchmark::Counter::kIsRate |
                                                                              benchmark::Counter::kInvert);
}
BENCHMARK(BM_Training_MlpStep)->ArgNames({"threads", "step"})->Args({1, 1})->Args({1, 2})->Args({2, 1})->Args({2, 2})
    ->Args({2, 0})->Args({1, 3})->Args({2, 3})->Args({2, 4})->Args({1, 5})->Args({2, 5})
    ->Args({1, 6})->Args({1, 7})->Unit(benchmark::kMillisecond)->UseRealTime();

// One cnn2 step on Fashion-MNIST (28×28×1) at batch 128 as the one trainer takes it, without
// and with DP-SGD: step 2 = MeanCrossEntropy, 3 = ClippedNoisyGradient (σ = 1, C = 1; exact
// per-example norms of the convolutions from their unfolded inputs). The DP/non-DP ratio of
// the same run is the "cnn2 ratio". 5 = step 2 under train.precision: bf16.
void BM_Training_Cnn2Step(benchmark::State& state) {
  ufm::set_thread_count(static_cast<int>(state.range(0)));
  const bool private_step = state.range(1) == 3;
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(0);
  ufm::ModelOptions options;
  options.name = "cnn2";
  auto model = ufm::create_model(options, ufm::InputShape{});
  ufm::initialise_keras_defaults(*model, generator);
  ufm::BatchedModel stacked({model.get()});
  if (state.range(1) == 5) stacked.set_precision(ufm::Precision::kBf16);
  ufm::Adam adam(stacked.parameters(), ufm::AdamSettings{});
  const ufm::MeanCrossEntropy plain;
  const ufm::ClippedNoisyGradient noisy(1.0, 1.0, 128.0);
  ufm::StepBatch batch;
  batch.x = at::randn({128, 1, 28, 28}, generator).unsqueeze(0);
  batch.y = at::randint(0, 10, {128}, generator, at::TensorOptions().dtype(at::kLong)).unsqueeze(0);
  batch.noise_keys = {12345};
  for (auto _ : state) {
    for (const auto& p : stacked.parameters()) at::Tensor(p).mutable_grad().reset();
    if (private_step) {
      noisy.compute(stacked, batch);
      ++batch.step;
    } else {
      plain.compute(stacked, batch);
    }
    adam.step({true});
  }
  state.counters["s/epoch"] =
      benchmark::Counter(static_cast<double>(state.iterations()) / 469.0, benchmark::Counter::kIsRate |
                                                                              benchmark::Counter::kInvert);
}
BENCHMARK(BM_Training_Cnn2Step)->ArgNames({"threads", "step"})->Args({2, 2})->Args({2, 3})->Args({2, 5})
    ->Unit(benchmark::kMillisecond)->UseRealTime();

// The noise of one DP-SGD step of the MLP: 535,818 standard normals from the counter-based
// stream (core/counter_random.h).
void BM_Training_DpNoise(benchmark::State& state) {
  ufm::set_thread_count(static_cast<int>(state.range(0)));
  std::vector<float> out(535818);
  std::uint64_t step = 0;
  for (auto _ : state) {
    ufm::standard_normals(12345, step++, 0, out.data(), static_cast<std::int64_t>(out.size()));
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["draws/s"] = benchmark::Counter(static_cast<double>(out.size()), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Training_DpNoise)->ArgNames({"threads"})->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// The machine's SGEMM rate at the MLP's first-layer shape: the floor we compare with.
void BM_Training_SgemmPeak(benchmark::State& state) {
  ufm::set_thread_count(static_cast<int>(state.range(0)));
  const std::int64_t m = state.range(1), k = state.range(2), n = state.range(3);
  at::Tensor a = at::randn({m, k}), b = at::randn({k, n}), c = at::empty({m, n});
  for (auto _ : state) {
    at::mm_out(c, a, b);
    benchmark::DoNotOptimize(c.data_ptr<float>());
  }
  state.counters["GFLOP/s"] =
      benchmark::Counter(2.0 * m * k * n * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Training_SgemmPeak)->ArgNames({"threads", "m", "k", "n"})->Args({2, 128, 784, 512})
    ->Args({1, 128, 784, 512})->Args({2, 1024, 1024, 1024})->UseRealTime();

// Exactly the matrix products one MLP step needs, at their own shapes and layouts, with
// nothing else: forward x·W1ᵀ, h1·W2ᵀ, h2·W3ᵀ (with the bias as addmm's C), the three weight
// gradients gᵀ·a, and the input gradients g·W of layers 2 and 3 (layer 1's input needs none).
// That is 2·B·(3·Σ w_i·w_{i+1} − w0·w1) = 308 MFLOP of the nominal 411, and the time of these
// products is the floor of the step on this machine: the step's own GEMM rate.
void BM_Training_MlpStepProducts(benchmark::State& state) {
  ufm::set_thread_count(static_cast<int>(state.range(0)));
  const std::int64_t B = 128;
  const std::vector<std::int64_t> widths = {784, 512, 256, 10};
  std::vector<at::Tensor> weights, biases, activations = {at::randn({B, widths[0]})}, grads, weight_grads;
  for (std::size_t i = 0; i + 1 < widths.size(); ++i) {
    weights.push_back(at::randn({widths[i + 1], widths[i]}));
    biases.push_back(at::randn({widths[i + 1]}));
    activations.push_back(at::empty({B, widths[i + 1]}));
    grads.push_back(at::randn({B, widths[i + 1]}));
    weight_grads.push_back(at::empty({widths[i + 1], widths[i]}));
  }
  std::vector<at::Tensor> input_grads = {at::Tensor(), at::empty({B, widths[1]}), at::empty({B, widths[2]})};
  // The nominal step less layer 1's input gradient.
  const double flops = mlp_step_flops(B, widths) - 2.0 * static_cast<double>(B * widths[0] * widths[1]);
  for (auto _ : state) {
    for (std::size_t i = 0; i < weights.size(); ++i) at::addmm_out(activations[i + 1], biases[i], activations[i], weights[i].t());
    for (std::size_t i = weights.size(); i-- > 0;) {
      at::mm_out(weight_grads[i], grads[i].t(), activations[i]);
      if (i > 0) at::mm_out(input_grads[i], grads[i], weights[i]);
    }
    benchmark::DoNotOptimize(weight_grads[0].data_ptr<float>());
  }
  state.counters["GFLOP/s"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Training_MlpStepProducts)->ArgNames({"threads"})->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// The same products with bf16 inputs (fp32 accumulation inside the kernel): what mixed
// precision (train.precision: bf16) can gain at most on this CPU's matrix units.
void BM_Training_Bf16GemmPeak(benchmark::State& state) {
  ufm::set_thread_count(static_cast<int>(state.range(0)));
  const std::int64_t m = state.range(1), k = state.range(2), n = state.range(3);
  const auto bf16 = at::TensorOptions().dtype(at::kBFloat16);
  at::Tensor a = at::randn({m, k}).to(bf16), b = at::randn({k, n}).to(bf16), c = at::empty({m, n}, bf16);
  for (auto _ : state) {
    at::mm_out(c, a, b);
    benchmark::DoNotOptimize(c.data_ptr());
  }
  state.counters["GFLOP/s"] =
      benchmark::Counter(2.0 * m * k * n * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Training_Bf16GemmPeak)->ArgNames({"threads", "m", "k", "n"})->Args({2, 128, 784, 512})
    ->Args({1, 128, 784, 512})->Args({2, 1024, 1024, 1024})->Args({1, 1024, 1024, 1024})->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
