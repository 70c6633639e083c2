// Self-influence throughput (examples per second per checkpoint): the exact fast path
// (one batched forward/backward and per-example norm identities) against one autograd
// backward per example, for the paper's MLP on 28×28×1 and cnn2 on 32×32×3.
//   ./build/bench/ufm_bench --benchmark_filter=BM_Influence
// The rate counter "examples/s" is the number to compare; speed-up = fast / reference.
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <benchmark/benchmark.h>

#include "runtime/runtime_info.h"
#include "influence/self_influence.h"
#include "models/init.h"
#include "models/model_registry.h"

namespace {

struct Setup {
  std::shared_ptr<ufm::Classifier> model;
  at::Tensor images;
  at::Tensor labels;
};

Setup make_setup(const std::string& name, const ufm::InputShape& shape, std::int64_t examples) {
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(0);
  ufm::ModelOptions options;
  options.name = name;
  Setup setup;
  setup.model = ufm::create_model(options, shape);
  ufm::initialise_keras_defaults(*setup.model, generator);
  setup.images = at::randn({examples, shape.channels, shape.height, shape.width}, generator);
  setup.labels = at::randint(0, shape.classes, {examples}, generator, at::TensorOptions().dtype(at::kLong));
  return setup;
}

ufm::InputShape shape_of(const std::string& name) {
  return name == "mlp" ? ufm::InputShape{1, 28, 28, 10} : ufm::InputShape{3, 32, 32, 10};
}

// range(0): 0 = mlp, 1 = cnn2; range(1): examples per call (= batch size of the fast path).
void BM_Influence_SelfInfluenceFast(benchmark::State& state) {
  ufm::set_thread_count(2);
  const std::string name = state.range(0) == 0 ? "mlp" : "cnn2";
  const std::int64_t examples = state.range(1);
  Setup setup = make_setup(name, shape_of(name), examples);
  for (auto _ : state) {
    at::Tensor out = ufm::self_influence(*setup.model, setup.images, setup.labels, examples);
    benchmark::DoNotOptimize(out.data_ptr<double>());
  }
  state.SetLabel(name);
  state.counters["examples/s"] =
      benchmark::Counter(static_cast<double>(examples), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Influence_SelfInfluenceFast)->ArgNames({"cnn2", "batch"})->Args({0, 500})->Args({0, 128})
    ->Args({1, 64})->Unit(benchmark::kMillisecond)->UseRealTime();

// The floor the fast path is compared with: one batched forward pass and one backward pass
// to every parameter (a training step without the update), at the same batch.
void BM_Influence_BatchForwardBackward(benchmark::State& state) {
  ufm::set_thread_count(2);
  const std::string name = state.range(0) == 0 ? "mlp" : "cnn2";
  const std::int64_t examples = state.range(1);
  Setup setup = make_setup(name, shape_of(name), examples);
  setup.model->eval();
  for (auto _ : state) {
    for (auto& p : setup.model->parameters()) p.mutable_grad().reset();
    at::Tensor loss = at::cross_entropy_loss(setup.model->forward(setup.images), setup.labels);
    loss.backward();
    benchmark::DoNotOptimize(loss.data_ptr<float>());
  }
  state.SetLabel(name);
  state.counters["examples/s"] =
      benchmark::Counter(static_cast<double>(examples), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Influence_BatchForwardBackward)->ArgNames({"cnn2", "batch"})->Args({0, 500})->Args({1, 64})
    ->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Influence_SelfInfluenceReference(benchmark::State& state) {
  ufm::set_thread_count(2);
  const std::string name = state.range(0) == 0 ? "mlp" : "cnn2";
  const std::int64_t examples = state.range(1);
  Setup setup = make_setup(name, shape_of(name), examples);
  for (auto _ : state) {
    at::Tensor out = ufm::self_influence_reference(*setup.model, setup.images, setup.labels);
    benchmark::DoNotOptimize(out.data_ptr<double>());
  }
  state.SetLabel(name);
  state.counters["examples/s"] =
      benchmark::Counter(static_cast<double>(examples), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Influence_SelfInfluenceReference)->ArgNames({"cnn2", "examples"})->Args({0, 64})->Args({1, 8})
    ->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
