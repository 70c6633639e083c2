// Batched multi-model training (training/trainer.h): models per hour for the
// Fashion-MNIST MLP and cnn2 on 32×32×3 (CIFAR-10 shape) with K = 1, 8, 32, 128 models
// trained together, and the fraction of the machine's measured SGEMM rate reached.
//
// Each iteration runs train_classifiers for one "epoch" of kSteps steps of batch
// 128 on synthetic data of the real shape (K fresh models, no early stopping, a 16-image
// validation set), so it measures the real trainer: per-model batch gathering, forward,
// backward, the fused batched Adam. From the time per step t:
//   epoch   ≈ t · S · (1 + V / (3·N))   S = ⌈N/128⌉ steps; validation = V forward-only images,
//                                       a forward pass costing ~1/3 of forward + backward
//   models/hour = 3600 · K / (15 · epoch)   for a typical 15-epoch training to early stopping
// with N = 60,000, V = 10,000 (Fashion-MNIST) and N = 50,000, V = 10,000 (CIFAR-10).
//
// FLOPs per model and image: 2·(multiply-adds) forward, ×3 for forward + backward (input
// and weight gradients; the first layer's unneeded input gradient is counted too, ≤ 3 %).
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "runtime/device.h"
#include "runtime/runtime_info.h"
#include "models/init.h"
#include "models/model_registry.h"
#include "training/trainer.h"

namespace {

constexpr std::int64_t kBatch = 128;
constexpr std::int64_t kSteps = 4;
constexpr double kTypicalEpochs = 15;

struct Workload {
  const char* model;
  ufm::InputShape shape;
  std::int64_t train_images;       // N of the real dataset
  std::int64_t validation_images;  // V
  double flops_per_image;          // forward + backward, one model
  double bytes_per_image;          // activations kept for backward, one model (estimate)
};

// MLP 784-512-256-10: forward = 2·Σ w_i·w_{i+1} FLOPs per image.
const Workload kMlp{"mlp", {1, 28, 28, 10}, 60000, 10000, 3.0 * 2.0 * (784 * 512 + 512 * 256 + 256 * 10),
                    4.0 * (784 + 3 * (512 + 256) + 10)};
// cnn2 on 32×32×3 (same padding): conv 3→32 and 32→32 at 32×32, 32→64 and 64→64 at 16×16,
// dense 4096→1024→10; per output pixel 9·C_in multiply-adds.
const Workload kCnn2{"cnn2",
                     {3, 32, 32, 10},
                     50000,
                     10000,
                     3.0 * 2.0 *
                         (32.0 * 32 * 32 * 3 * 9 + 32.0 * 32 * 32 * 32 * 9 + 16.0 * 16 * 64 * 32 * 9 +
                          16.0 * 16 * 64 * 64 * 9 + 4096.0 * 1024 + 1024.0 * 10),
                     // conv outputs and ReLU outputs, pools and their indices, dense layers
                     4.0 * (2 * 32768 + 2 * 32768 + 8192 * 3 + 2 * 16384 + 2 * 16384 + 4096 * 3 + 3 * 1024)};

double available_bytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  double kib = 0;
  while (meminfo >> key >> kib) {
    if (key == "MemAvailable:") return kib * 1024.0;
    meminfo.ignore(1 << 10, '\n');
  }
  return 0;
}

// The machine's SGEMM rate (1024³) with `threads` threads, measured once per process.
double sgemm_peak_flops(int threads) {
  static std::map<int, double> peaks;
  auto found = peaks.find(threads);
  if (found != peaks.end()) return found->second;
  const double peak = [threads] {
    ufm::set_thread_count(threads);
    at::Tensor a = at::randn({1024, 1024}), b = at::randn({1024, 1024}), c = at::empty({1024, 1024});
    at::mm_out(c, a, b);
    double best = 0;
    for (int repeat = 0; repeat < 5; ++repeat) {
      const auto start = std::chrono::steady_clock::now();
      for (int i = 0; i < 10; ++i) at::mm_out(c, a, b);
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      best = std::max(best, 10 * 2.0 * 1024 * 1024 * 1024 / seconds);
    }
    return best;
  }();
  peaks[threads] = peak;
  return peak;
}

void run_batched(benchmark::State& state, const Workload& work, const c10::Device& device) {
  const std::int64_t models = state.range(0);
  const int threads = static_cast<int>(state.range(1));
  const double needed = work.bytes_per_image * static_cast<double>(models * kBatch) * 1.5;
  if (device.is_cpu() && needed > 0.6 * available_bytes()) {
    state.SkipWithError(("needs ~" + std::to_string(static_cast<int>(needed / 1e9)) + " GB of activations, more than 60% of the memory available")
                            .c_str());
    return;
  }
  const double peak = device.is_cpu() ? sgemm_peak_flops(threads) : 0.0;
  ufm::set_thread_count(threads);
  at::Generator data_generator = at::make_generator<at::CPUGeneratorImpl>(1);
  const auto& s = work.shape;
  const at::Tensor images = at::randn({kSteps * kBatch, s.channels, s.height, s.width}, data_generator).to(device);
  const at::Tensor labels =
      at::randint(0, s.classes, {kSteps * kBatch}, data_generator, at::TensorOptions().dtype(at::kLong)).to(device);
  const at::Tensor validation_images = images.narrow(0, 0, 16);
  const at::Tensor validation_labels = labels.narrow(0, 0, 16);
  ufm::TrainingView view(images, labels);
  ufm::TrainingOptions options;
  options.max_epochs = 1;
  options.early_stopping = false;
  ufm::ModelOptions model_options;
  model_options.name = work.model;

  for (auto _ : state) {
    state.PauseTiming();
    std::vector<std::shared_ptr<ufm::Classifier>> owned;
    std::vector<ufm::TrainingMember> members;
    for (std::int64_t k = 0; k < models; ++k) {
      at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(static_cast<std::uint64_t>(k));
      owned.push_back(ufm::create_model(model_options, s));
      ufm::initialise_keras_defaults(*owned.back(), generator);
      owned.back()->to(device);
      owned.back()->set_generator(generator);
      members.push_back(ufm::TrainingMember{owned.back().get(), &view, generator, nullptr});
    }
    state.ResumeTiming();
    // Reading the history back synchronises a GPU.
    const auto histories = ufm::train_classifiers(members, validation_images, validation_labels, options);
    benchmark::DoNotOptimize(histories.front().train_loss.front());
  }
  const double steps = static_cast<double>(state.iterations() * kSteps);
  const double step_flops = work.flops_per_image * static_cast<double>(kBatch * models);
  state.counters["GFLOP/s"] = benchmark::Counter(step_flops * steps * 1e-9, benchmark::Counter::kIsRate);
  const double steps_per_epoch = std::ceil(static_cast<double>(work.train_images) / kBatch);
  const double epoch_factor = steps_per_epoch * (1.0 + static_cast<double>(work.validation_images) /
                                                           (3.0 * static_cast<double>(work.train_images)));
  // models/hour = 3600·K / (15 · t_step · epoch_factor); as a rate: steps per second × constant.
  state.counters["models/h"] =
      benchmark::Counter(steps * 3600.0 * static_cast<double>(models) / (kTypicalEpochs * epoch_factor),
                         benchmark::Counter::kIsRate);
  state.counters["s/epoch"] = benchmark::Counter(steps / epoch_factor, benchmark::Counter::kIsRate |
                                                                         benchmark::Counter::kInvert);
  if (peak > 0) {
    state.counters["of_sgemm"] =
        benchmark::Counter(step_flops * steps / peak, benchmark::Counter::kIsRate);
    state.counters["sgemm_GFLOP/s"] = peak * 1e-9;
  }
  state.SetLabel(ufm::device_string(device));
}

void BM_Batched_MlpTraining(benchmark::State& state) { run_batched(state, kMlp, c10::Device(c10::kCPU)); }
void BM_Batched_Cnn2Training(benchmark::State& state) { run_batched(state, kCnn2, c10::Device(c10::kCPU)); }

void BM_Batched_MlpTraining_CUDA(benchmark::State& state) {
  if (!ufm::cuda_available()) {
    state.SkipWithError("no CUDA device (this LibTorch build or machine has none)");
    return;
  }
  run_batched(state, kMlp, c10::Device(c10::kCUDA, 0));
}
void BM_Batched_Cnn2Training_CUDA(benchmark::State& state) {
  if (!ufm::cuda_available()) {
    state.SkipWithError("no CUDA device (this LibTorch build or machine has none)");
    return;
  }
  run_batched(state, kCnn2, c10::Device(c10::kCUDA, 0));
}

// Threads: 1 and 2. On a shared machine, 2 OpenMP threads lose most of their speed
// whenever other processes compete for the cores (a parallel region waits for its slowest
// thread); 1 thread degrades gracefully, so compare K at 1 thread.
BENCHMARK(BM_Batched_MlpTraining)->ArgNames({"models", "threads"})->ArgsProduct({{1, 8, 32, 128}, {1, 2}})
    ->Unit(benchmark::kSecond)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_Batched_Cnn2Training)->ArgNames({"models", "threads"})->ArgsProduct({{1, 8, 32, 128}, {1, 2}})
    ->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);
BENCHMARK(BM_Batched_MlpTraining_CUDA)->ArgNames({"models", "threads"})->ArgsProduct({{1, 8, 32, 128, 512}, {1}})
    ->Unit(benchmark::kSecond)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_Batched_Cnn2Training_CUDA)->ArgNames({"models", "threads"})->ArgsProduct({{1, 8, 32, 128}, {1}})
    ->Unit(benchmark::kSecond)->UseRealTime()->MinTime(2.0);

}  // namespace
