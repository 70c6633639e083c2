#include "models/conv_net.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "models/model_registry.h"

namespace ufm {
namespace {

std::int64_t count(const std::string& name, const InputShape& shape, bool batch_norm = false) {
  ModelOptions options;
  options.name = name;
  options.batch_norm = batch_norm;
  return parameter_count(*create_model(options, shape));
}

// Trainable parameters by hand (conv: in·9·out + out; dense: in·out + out):
// cnn2, 32×32×3: 896 + 9,248 + 18,496 + 36,928 + (8·8·64=4096)·1024+1024 = 4,195,328 + 10,250
//   = 4,271,146;  28×28×1: 320 + 9,248 + 18,496 + 36,928 + (7·7·64=3136)·1024+1024 = 3,212,288
//   + 10,250 = 3,287,530.
// cnn1, 32×32×3: 896 + 18,496 + (14·14·64=12544)·128+128 = 1,605,760 + 16,512 + 1,290
//   = 1,642,954;  28×28×1: 320 + 18,496 + (12·12·64=9216)·128+128 = 1,179,776 + 16,512 + 1,290
//   = 1,216,394. (PyTorch's own count of the same layers agrees.)
TEST(ConvNet, HasTheHandCountedParameterNumbers) {
  EXPECT_EQ(count("cnn2", InputShape{3, 32, 32, 10}), 4271146);
  EXPECT_EQ(count("cnn2", InputShape{1, 28, 28, 10}), 3287530);
  EXPECT_EQ(count("cnn1", InputShape{3, 32, 32, 10}), 1642954);
  EXPECT_EQ(count("cnn1", InputShape{1, 28, 28, 10}), 1216394);
}

TEST(ConvNet, BatchNormAddsAScaleAndShiftPerChannelAndUnit) {
  // Keras also counts the two moving statistics, which are buffers here, not parameters.
  EXPECT_EQ(count("cnn2", InputShape{3, 32, 32, 10}, true), 4271146 + 2 * (32 + 32 + 64 + 64 + 1024));
  EXPECT_EQ(count("cnn1", InputShape{1, 28, 28, 10}, true), 1216394 + 2 * (32 + 64 + 128 + 128));
}

TEST(ConvNet, LayersRunInThePapersOrder) {
  ModelOptions options;
  options.name = "cnn2";
  options.batch_norm = true;
  auto model = create_model(options, InputShape{3, 32, 32, 10});
  model->eval();
  LayerTrace trace;
  model->forward_traced(at::zeros({2, 3, 32, 32}), &trace);
  std::vector<std::string> names;
  for (const auto& record : trace) names.push_back(record.name);
  EXPECT_EQ(names, (std::vector<std::string>{"conv0", "conv0_bn", "conv1", "conv1_bn", "conv2", "conv2_bn", "conv3",
                                             "conv3_bn", "dense0", "dense0_bn", "output"}));
  // 'same' padding keeps 32×32 until the first pool; the second block sees 16×16.
  EXPECT_EQ(trace[1].output.sizes(), (at::IntArrayRef{2, 32, 32, 32}));
  EXPECT_EQ(trace[4].input.sizes(), (at::IntArrayRef{2, 32, 16, 16}));
  EXPECT_EQ(trace[8].input.sizes(), (at::IntArrayRef{2, 64 * 8 * 8}));
}

TEST(ConvNet, Cnn1UsesValidPadding) {
  ModelOptions options;
  options.name = "cnn1";
  auto model = create_model(options, InputShape{1, 28, 28, 10});
  model->eval();
  LayerTrace trace;
  model->forward_traced(at::zeros({2, 1, 28, 28}), &trace);
  ASSERT_EQ(trace.size(), 5u);
  EXPECT_EQ(trace[0].output.sizes(), (at::IntArrayRef{2, 32, 26, 26}));
  EXPECT_EQ(trace[1].output.sizes(), (at::IntArrayRef{2, 64, 24, 24}));
  EXPECT_EQ(trace[2].input.sizes(), (at::IntArrayRef{2, 64 * 12 * 12}));
}

/// Fraction of the positive units of `pre` (before ReLU) that are zero in `next_input`.
double dropped_fraction(const at::Tensor& pre, const at::Tensor& next_input) {
  const at::Tensor positive = pre.reshape(next_input.sizes()) > 0;
  return (next_input.masked_select(positive) == 0).to(at::kDouble).mean().item<double>();
}

TEST(ConvNet, DropoutUsesThePapersRatesAfterConvAndDenseReLUs) {
  ModelOptions options;
  options.name = "cnn1";
  options.dropout = true;
  auto model = create_model(options, InputShape{1, 28, 28, 10});
  model->set_generator(at::make_generator<at::CPUGeneratorImpl>(4));
  model->train();
  LayerTrace trace;
  model->forward_traced(at::randn({16, 1, 28, 28}), &trace);
  ASSERT_EQ(trace.size(), 5u);
  // conv0 → ReLU → dropout 0.2 → conv1 (about 170,000 positive units: tolerance > 10 sigma).
  EXPECT_NEAR(dropped_fraction(trace[0].output, trace[1].input), 0.2, 0.02);
  // dense0 → ReLU → dropout 0.5 → dense1 (about 1,000 positive units: tolerance > 3 sigma).
  EXPECT_NEAR(dropped_fraction(trace[2].output, trace[3].input), 0.5, 0.05);
}

TEST(ConvNet, DropoutAtRateZeroEqualsThePlainModel) {
  ModelOptions plain;
  plain.name = "cnn1";
  ModelOptions zero = plain;
  zero.dropout = true;
  zero.dropout_rate = 0.0;
  auto a = create_model(plain, InputShape{1, 12, 12, 3});
  auto b = create_model(zero, InputShape{1, 12, 12, 3});
  auto pa = a->parameters(), pb = b->parameters();
  {
    at::NoGradGuard no_grad;
    for (std::size_t i = 0; i < pa.size(); ++i) pb[i].copy_(pa[i]);
  }
  a->train();
  b->train();
  const at::Tensor x = at::randn({2, 1, 12, 12});
  EXPECT_TRUE(a->forward(x).equal(b->forward(x)));
}

TEST(ConvNet, TooSmallInputNamesTheModelAndSize) {
  ModelOptions options;
  options.name = "cnn1";
  try {
    create_model(options, InputShape{1, 5, 5, 10});
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("cnn1"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("5x5"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace ufm
