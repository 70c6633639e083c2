// Scoring benchmarks: the three probes of 10,000 OOD images through the MLP, and the
// score computation on their outputs.
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <benchmark/benchmark.h>

#include "runtime/runtime_info.h"
#include "evaluation/probes.h"
#include "evaluation/scores.h"
#include "models/init.h"
#include "models/model_registry.h"

namespace {

struct ScoringFixture {
  std::shared_ptr<ufm::Classifier> model;
  ufm::ProbeInputs inputs;
  ScoringFixture() {
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(0);
    model = ufm::create_model(ufm::ModelOptions{}, ufm::InputShape{});
    ufm::initialise_keras_defaults(*model, generator);
    ufm::ImageSplit ood{at::rand({10000, 1, 28, 28}, generator), at::randint(0, 10, {10000}, generator,
                                                                              at::TensorOptions().dtype(at::kLong))};
    inputs = ufm::make_probe_inputs(ood, ufm::letter_pattern('A'), ufm::random_patches(10000, 5, 5, 0), 1,
                                    ufm::Normalisation{{0.286}, {0.353}}, true);
  }
};

void BM_Evaluation_Probe10k(benchmark::State& state) {
  ufm::set_thread_count(static_cast<int>(state.range(0)));
  ScoringFixture fixture;
  for (auto _ : state) {
    auto probes = ufm::run_probes(*fixture.model, fixture.inputs, 2000);
    benchmark::DoNotOptimize(probes.clean.data_ptr<float>());
  }
  // Forward only: 2 FLOPs per multiply-add, 3 probes of 10,000 images.
  const double flops = 3.0 * 10000 * 2.0 * (784 * 512 + 512 * 256 + 256 * 10);
  state.counters["GFLOP/s"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["images/s"] = benchmark::Counter(30000, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Evaluation_Probe10k)->ArgNames({"threads"})->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Evaluation_Scores10k(benchmark::State& state) {
  ScoringFixture fixture;
  auto probes = ufm::run_probes(*fixture.model, fixture.inputs, 2000);
  ufm::ProbeOutputs outputs;
  outputs.clean = {probes.clean.data_ptr<float>(), 10000, 10};
  outputs.feature = {probes.feature.data_ptr<float>(), 10000, 10};
  outputs.random = {probes.random.data_ptr<float>(), 10000, 10};
  outputs.labels = probes.labels.data_ptr<std::int64_t>();
  for (auto _ : state) {
    auto scores = ufm::memorisation_scores(outputs);
    benchmark::DoNotOptimize(scores.m2);
  }
}
BENCHMARK(BM_Evaluation_Scores10k)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
