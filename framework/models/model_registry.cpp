#include "models/model_registry.h"

#include "models/mlp.h"

namespace ufm {
namespace {

void register_builtin_models(ModelRegistry& registry) {
  registry.add("mlp", "flatten → hidden ReLU layers (model.hidden, default 512, 256) → classes",
               [](const ModelOptions& options, const InputShape& shape) -> std::shared_ptr<Classifier> {
                 return std::make_shared<Mlp>(shape, options.hidden);
               });
}

}  // namespace

ModelRegistry& model_registry() {
  static ModelRegistry registry = [] {
    ModelRegistry r("model");
    register_builtin_models(r);
    return r;
  }();
  return registry;
}

std::shared_ptr<Classifier> create_model(const ModelOptions& options, const InputShape& shape) {
  return model_registry().create(options.name, options, shape);
}

std::int64_t parameter_count(const torch::nn::Module& module) {
  std::int64_t count = 0;
  for (const auto& parameter : module.parameters()) {
    if (parameter.requires_grad()) count += parameter.numel();
  }
  return count;
}

}  // namespace ufm
