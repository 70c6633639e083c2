// Training-step benchmarks: one MLP step at batch 128 (forward, backward, Adam) as the
// trainer takes it (the model stacked as K = 1, MeanCrossEntropy, the fused Adam) against
// LibTorch's own module forward and Adam, and the GEMM peak both are compared with.
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <benchmark/benchmark.h>
#include <torch/optim/adam.h>

#include "core/runtime_info.h"
#include "models/init.h"
#include "models/model_registry.h"
#include "models/batched_model.h"
#include "training/adam.h"
#include "training/gradient_step.h"

namespace {

// FLOPs of one MLP step at batch B for layer widths w0..wL: forward 2·B·Σ w_i·w_{i+1},
// backward twice that (input and weight gradients), so 6·B·Σ w_i·w_{i+1}.
double mlp_step_flops(std::int64_t batch, const std::vector<std::int64_t>& widths) {
  double sum = 0;
  for (std::size_t i = 0; i + 1 < widths.size(); ++i) sum += static_cast<double>(widths[i] * widths[i + 1]);
  return 6.0 * static_cast<double>(batch) * sum;
}

void BM_Training_MlpStep(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  const bool fused = state.range(1) != 0;
  ufm::set_thread_count(threads);
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(0);
  auto model = ufm::create_model(ufm::ModelOptions{}, ufm::InputShape{});
  ufm::initialise_keras_defaults(*model, generator);
  at::Tensor images = at::randn({128, 1, 28, 28}, generator);
  at::Tensor labels = at::randint(0, 10, {128}, generator, at::TensorOptions().dtype(at::kLong));
  auto parameters = model->parameters();
  ufm::BatchedModel stacked({model.get()});
  ufm::Adam fused_adam(stacked.parameters(), ufm::AdamSettings{});
  const ufm::MeanCrossEntropy gradient_step;
  const at::Tensor stacked_images = images.unsqueeze(0), stacked_labels = labels.unsqueeze(0);
  torch::optim::Adam torch_adam(parameters, torch::optim::AdamOptions(3e-4).eps(1e-7));
  for (auto _ : state) {
    if (fused) {
      for (const auto& p : stacked.parameters()) at::Tensor(p).mutable_grad().reset();
      gradient_step.compute(stacked, stacked_images, stacked_labels);
      fused_adam.step({true});
    } else {
      for (auto& p : parameters) p.mutable_grad().reset();
      at::Tensor loss = at::cross_entropy_loss(model->forward(images), labels);
      loss.backward();
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
BENCHMARK(BM_Training_MlpStep)->ArgNames({"threads", "trainer_step"})->Args({1, 1})->Args({2, 1})->Args({2, 0})
    ->Unit(benchmark::kMillisecond)->UseRealTime();

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

}  // namespace

BENCHMARK_MAIN();
