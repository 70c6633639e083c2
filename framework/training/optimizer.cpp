#include "training/optimizer.h"

#include "training/adam.h"

namespace ufm {
namespace {

void register_builtin_optimizers(OptimizerRegistry& registry) {
  registry.add("adam", "Adam (Kingma & Ba 2015), PyTorch's ε placement; train.beta1/beta2/epsilon",
               [](std::vector<at::Tensor> parameters, const TrainingOptions& options) -> std::unique_ptr<Optimizer> {
                 return std::make_unique<Adam>(std::move(parameters), adam_settings(options));
               });
  registry.add("sgd", "SGD with momentum (train.momentum), PyTorch's form",
               [](std::vector<at::Tensor> parameters, const TrainingOptions& options) -> std::unique_ptr<Optimizer> {
                 return std::make_unique<Sgd>(std::move(parameters), sgd_settings(options));
               });
}

}  // namespace

OptimizerRegistry& optimizer_registry() {
  static OptimizerRegistry registry = [] {
    OptimizerRegistry r("optimizer");
    register_builtin_optimizers(r);
    return r;
  }();
  return registry;
}

std::unique_ptr<Optimizer> make_optimizer(std::vector<at::Tensor> parameters, const TrainingOptions& options) {
  return optimizer_registry().create(options.optimizer, std::move(parameters), options);
}

}  // namespace ufm
