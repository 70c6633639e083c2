// Exact per-example gradient norms (models/per_example_norms.h) against one autograd
// backward pass per example, for every layer type of the registered models.
#include "models/per_example_norms.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "models/layers.h"
#include "support/random_models.h"

namespace ufm {
namespace {

using testing::case_name;
using testing::every_layer_type;
using testing::expect_relatively_close;
using testing::ModelCase;
using testing::random_data;
using testing::random_model;

TEST(PerExampleGradientNorms, MatchesPerExampleAutogradForEveryLayerType) {
  for (const ModelCase& c : every_layer_type()) {
    SCOPED_TRACE(case_name(c));
    auto model = random_model(c, 1);
    auto [images, labels] = random_data(c, 2);
    const at::Tensor reference = per_example_gradient_norms_reference(*model, images, labels);
    expect_relatively_close(per_example_gradient_norms(*model, images, labels), reference, 1e-4);
  }
}

TEST(PerExampleGradientNorms, DirectAndGramConvolutionNormsBothMatchTheReference) {
  for (const ModelCase& c : {ModelCase{"cnn1", true, false, InputShape{1, 12, 12, 10}, 5},
                             ModelCase{"cnn2", false, false, InputShape{3, 12, 12, 10}, 5}}) {
    SCOPED_TRACE(case_name(c));
    auto model = random_model(c, 3);
    auto [images, labels] = random_data(c, 4);
    const at::Tensor reference = per_example_gradient_norms_reference(*model, images, labels);
    expect_relatively_close(per_example_gradient_norms(*model, images, labels, ConvNormMethod::kDirect), reference, 1e-4);
    expect_relatively_close(per_example_gradient_norms(*model, images, labels, ConvNormMethod::kGram), reference, 1e-4);
  }
}

// A model with a trainable parameter outside any traced layer: its gradient would be
// silently missed, so the fast path must refuse it.
class UntracedScale : public Classifier {
 public:
  UntracedScale() {
    layer_ = register_module("dense", torch::nn::Linear(4, 3));
    scale_ = register_parameter("scale", at::ones({1}));
  }
  at::Tensor forward_traced(const at::Tensor& x, LayerTrace* trace) override {
    return apply_linear(layer_, "dense", x.flatten(1), trace) * scale_;
  }

 private:
  torch::nn::Linear layer_{nullptr};
  at::Tensor scale_;
};

TEST(PerExampleGradientNorms, RefusesAModelWithUntracedTrainableParameters) {
  UntracedScale model;
  const at::Tensor images = at::randn({2, 1, 2, 2});
  const at::Tensor labels = at::zeros({2}, at::kLong);
  try {
    per_example_gradient_norms(model, images, labels);
    FAIL() << "expected RuntimeError";
  } catch (const RuntimeError& error) {
    EXPECT_NE(std::string(error.what()).find("'scale'"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace ufm
