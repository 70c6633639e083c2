#include "models/model_registry.h"

#include "models/conv_net.h"
#include "models/mlp.h"

namespace ufm {
namespace {

void register_builtin_models(ModelRegistry& registry) {
  registry.add("mlp", "flatten → hidden ReLU layers (model.hidden, default 512, 256) → classes",
               [](const ModelOptions& options, const InputShape& shape) -> std::shared_ptr<Classifier> {
                 return std::make_shared<Mlp>(shape, options);
               });
  registry.add("cnn1",
               "conv32 3×3 valid → conv64 3×3 valid → maxpool2 → dense128 → dense128 → classes",
               [](const ModelOptions& options, const InputShape& shape) -> std::shared_ptr<Classifier> {
                 return std::make_shared<ConvNet>(shape, cnn1_spec(), options);
               });
  registry.add("cnn2",
               "conv32 → conv32 → maxpool2 → conv64 → conv64 → maxpool2 (3×3 same) → dense1024 → classes",
               [](const ModelOptions& options, const InputShape& shape) -> std::shared_ptr<Classifier> {
                 return std::make_shared<ConvNet>(shape, cnn2_spec(), options);
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
  options.validate();
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
