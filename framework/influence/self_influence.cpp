#include "influence/self_influence.h"

#include <ATen/ATen.h>

#include <algorithm>

#include "core/error.h"
#include "models/eval_mode.h"

namespace ufm {

at::Tensor self_influence(Classifier& model, const at::Tensor& images, const at::Tensor& labels,
                          std::int64_t batch_size, ConvNormMethod conv_method) {
  check_example_batch(images, labels, "self_influence");
  UFM_CHECK(batch_size >= 1, RuntimeError, "self_influence: expected batch_size >= 1, got ", batch_size);
  const std::int64_t n = images.size(0);
  at::Tensor out = at::empty({n}, at::kDouble);
  for (std::int64_t begin = 0; begin < n; begin += batch_size) {
    const std::int64_t count = std::min(batch_size, n - begin);
    out.narrow(0, begin, count)
        .copy_(per_example_gradient_norms(model, images.narrow(0, begin, count), labels.narrow(0, begin, count),
                                          conv_method));
  }
  return out;
}

at::Tensor self_influence_over_checkpoints(Classifier& model, const std::vector<Checkpoint>& checkpoints,
                                           const at::Tensor& images, const at::Tensor& labels,
                                           std::int64_t batch_size) {
  UFM_CHECK(!checkpoints.empty(), RuntimeError, "self_influence: no checkpoints to sum over");
  const Checkpoint original = capture_checkpoint(model);
  at::Tensor total = at::zeros({images.size(0)}, at::kDouble);
  for (const auto& checkpoint : checkpoints) {
    load_checkpoint(model, checkpoint);
    total += self_influence(model, images, labels, batch_size);
  }
  load_checkpoint(model, original);
  return total;
}


at::Tensor top1_confidence(Classifier& model, const at::Tensor& images, std::int64_t batch_size) {
  UFM_CHECK(batch_size >= 1, RuntimeError, "top1_confidence: expected batch_size >= 1, got ", batch_size);
  EvalModeGuard eval(model);
  at::NoGradGuard no_grad;
  const std::int64_t n = images.size(0);
  at::Tensor out = at::empty({n}, at::kDouble);
  for (std::int64_t begin = 0; begin < n; begin += batch_size) {
    const std::int64_t count = std::min(batch_size, n - begin);
    const at::Tensor probabilities = at::softmax(model.forward(images.narrow(0, begin, count)).to(at::kDouble), 1);
    out.narrow(0, begin, count).copy_(std::get<0>(probabilities.max(1)));
  }
  return out;
}

std::vector<double> to_vector(const at::Tensor& values) {
  const at::Tensor contiguous = values.to(at::kDouble).contiguous();
  const double* begin = contiguous.data_ptr<double>();
  return std::vector<double>(begin, begin + contiguous.numel());
}

at::Tensor self_influence_reference(Classifier& model, const at::Tensor& images, const at::Tensor& labels) {
  return per_example_gradient_norms_reference(model, images, labels);
}

}  // namespace ufm
