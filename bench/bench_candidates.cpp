// Candidate scoring for exposure: C = 999 candidates plus the feature over N probe images on
// the paper's MLP, by the fast first-layer update and by full forward passes.
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <benchmark/benchmark.h>

#include <chrono>

#include "runtime/runtime_info.h"
#include "evaluation/candidate_scores.h"
#include "models/init.h"
#include "models/model_registry.h"

namespace {

// SGEMM rate of this machine on a product shaped like the MLP's second layer over a large
// batch, in GFLOP/s: the ceiling the scoring's matrix products can reach.
double sgemm_peak_gflops() {
  static const double peak = [] {
    const at::Tensor a = at::rand({8192, 512});
    const at::Tensor b = at::rand({512, 256});
    at::Tensor c = at::mm(a, b);
    double best = 0.0;
    for (int repeat = 0; repeat < 5; ++repeat) {
      const auto start = std::chrono::steady_clock::now();
      for (int i = 0; i < 10; ++i) c = at::mm(a, b);
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      best = std::max(best, 10 * 2.0 * 8192 * 512 * 256 / seconds * 1e-9);
    }
    return best;
  }();
  return peak;
}

struct CandidateFixture {
  std::shared_ptr<ufm::Classifier> model;
  at::Tensor images;
  std::vector<ufm::Pattern> patterns;
  ufm::StampSpec stamp;
  explicit CandidateFixture(std::int64_t n) {
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(0);
    model = ufm::create_model(ufm::ModelOptions{}, ufm::InputShape{});
    ufm::initialise_keras_defaults(*model, generator);
    images = at::rand({n, 1, 28, 28}, generator);
    patterns = ufm::random_patches(1000, 5, 5, 1);
    stamp.offset = 1;
    stamp.normalisation = ufm::Normalisation{{0.286}, {0.353}};
  }
};

void report(benchmark::State& state, std::int64_t n, bool fast) {
  const double stamped = 1000.0 * static_cast<double>(n);
  // Multiply-adds per stamped image: the fast path skips the first layer's 784×512 product.
  const double flops = stamped * 2.0 * ((fast ? 0.0 : 784.0 * 512) + 512.0 * 256 + 256.0 * 10);
  state.counters["images/s"] = benchmark::Counter(stamped, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["GFLOP/s"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["peak GFLOP/s"] = sgemm_peak_gflops();
}

void BM_Evaluation_CandidatesFast(benchmark::State& state) {
  ufm::set_thread_count(static_cast<int>(state.range(1)));
  CandidateFixture fixture(state.range(0));
  for (auto _ : state) {
    auto means = ufm::candidate_means(*fixture.model, fixture.images, fixture.patterns, fixture.stamp,
                                      ufm::CandidatePath::kFast, state.range(2) << 20);
    benchmark::DoNotOptimize(means.mean_log_prob.data());
  }
  report(state, state.range(0), true);
  // Fraction of the SGEMM rate, from the mean iteration time of this run.
  const double flops = 1000.0 * static_cast<double>(state.range(0)) * 2.0 * (512.0 * 256 + 256.0 * 10);
  state.counters["fraction of peak"] = benchmark::Counter(
      flops * 1e-9 / sgemm_peak_gflops(), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Evaluation_CandidatesFast)
    ->ArgNames({"images", "threads", "chunk_MiB"})
    ->Args({1000, 2, 64})
    ->Args({1000, 2, 16})
    ->Args({1000, 2, 4})
    ->Args({1000, 2, 1})
    ->Args({200, 2, 4})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_Evaluation_CandidatesFull(benchmark::State& state) {
  ufm::set_thread_count(static_cast<int>(state.range(1)));
  CandidateFixture fixture(state.range(0));
  for (auto _ : state) {
    auto means = ufm::candidate_means(*fixture.model, fixture.images, fixture.patterns, fixture.stamp,
                                      ufm::CandidatePath::kFull);
    benchmark::DoNotOptimize(means.mean_log_prob.data());
  }
  report(state, state.range(0), false);
  const double flops = 1000.0 * static_cast<double>(state.range(0)) * 2.0 * (784.0 * 512 + 512.0 * 256 + 256.0 * 10);
  state.counters["fraction of peak"] = benchmark::Counter(
      flops * 1e-9 / sgemm_peak_gflops(), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Evaluation_CandidatesFull)
    ->ArgNames({"images", "threads"})
    ->Args({200, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);

}  // namespace
