// A model is its description: describe() checks it against the registered layers, and the
// plain, traced and first-layer passes all interpret it.
#include "models/classifier.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "models/layers.h"
#include "support/random_models.h"

namespace ufm {
namespace {

class DescribedModel : public Classifier {
 public:
  explicit DescribedModel(const std::string& step_name) {
    register_module("dense", torch::nn::Linear(4, 3));
    describe({ForwardStep::of(ForwardStep::Kind::kFlatten), ForwardStep::of(ForwardStep::Kind::kLinear, step_name)});
  }
};

TEST(ClassifierDescription, RefusesAStepNamingNoRegisteredLayerOfItsKind) {
  EXPECT_NO_THROW(DescribedModel("dense"));
  try {
    DescribedModel model("dense1");
    FAIL() << "expected RuntimeError";
  } catch (const RuntimeError& error) {
    EXPECT_NE(std::string(error.what()).find("'dense1'"), std::string::npos) << error.what();
  }
}

TEST(ClassifierDescription, TracesEveryParametrisedStepInOrderWithTheValuesTheForwardPassUses) {
  for (const testing::ModelCase& c : testing::every_layer_type()) {
    SCOPED_TRACE(testing::case_name(c));
    auto model = testing::random_model(c, 5);
    model->eval();
    auto [images, labels] = testing::random_data(c, 6);
    LayerTrace trace;
    const at::Tensor traced = model->forward_traced(images, &trace);
    EXPECT_TRUE(traced.equal(model->forward(images)));
    std::vector<std::string> parametrised;
    for (const ForwardStep& step : model->forward_steps()) {
      if (!step.name.empty()) parametrised.push_back(step.name);
    }
    ASSERT_EQ(trace.size(), parametrised.size());
    for (std::size_t i = 0; i < trace.size(); ++i) EXPECT_EQ(trace[i].name, parametrised[i]);
    EXPECT_TRUE(trace.back().output.equal(traced));
  }
}

TEST(ClassifierDescription, FirstLayerPassExistsOnlyForFlattenThenLinearAndEqualsTheRest) {
  for (const testing::ModelCase& c : testing::every_layer_type()) {
    SCOPED_TRACE(testing::case_name(c));
    auto model = testing::random_model(c, 7);
    model->eval();
    auto [images, labels] = testing::random_data(c, 8);
    LayerTrace trace;
    const at::Tensor logits = model->forward_traced(images, &trace);
    const at::Tensor rest = model->forward_from_first_layer(trace.front().output);
    if (c.name == "mlp") {
      ASSERT_TRUE(rest.defined());
      EXPECT_TRUE(rest.equal(logits));
    } else {
      EXPECT_FALSE(rest.defined());
    }
  }
}

}  // namespace
}  // namespace ufm
