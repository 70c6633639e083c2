#include "unlearning/localized_reset.h"

#include <ATen/ATen.h>

#include <cmath>

#include "core/error.h"
#include "models/eval_mode.h"

namespace ufm {

std::vector<at::Tensor> forget_saliency(Classifier& model, const ForgetSet& forget) {
  const EvalModeGuard evaluation(model);
  const std::vector<at::Tensor> parameters = model.parameters();
  for (const auto& p : parameters) {
    if (p.grad().defined()) p.mutable_grad().zero_();
  }
  at::cross_entropy_loss(model.forward(forget.images), forget.labels).backward();
  std::vector<at::Tensor> saliency;
  for (const auto& p : parameters) {
    saliency.push_back(p.grad().defined() ? (p.grad() * p.detach()).abs() : at::zeros_like(p.detach()));
    if (p.grad().defined()) p.mutable_grad().zero_();
  }
  return saliency;
}

std::int64_t reset_most_salient(Classifier& model, const std::vector<at::Tensor>& saliency,
                                const std::vector<at::Tensor>& replacement, std::int64_t count) {
  if (count <= 0) return 0;
  std::vector<at::Tensor> parameters = model.parameters();
  UFM_CHECK(saliency.size() == parameters.size() && replacement.size() == parameters.size(), RuntimeError,
            "reset_most_salient: ", parameters.size(), " parameters, ", saliency.size(), " saliencies, ",
            replacement.size(), " replacements");
  std::vector<at::Tensor> flat;
  for (const auto& s : saliency) flat.push_back(s.reshape({-1}));
  const at::Tensor all = at::cat(flat);
  count = std::min<std::int64_t>(count, all.numel());
  // Stable ordering: equal saliencies are taken by position (sort is stable, descending).
  const at::Tensor chosen = std::get<1>(all.sort(/*stable=*/true, 0, /*descending=*/true)).narrow(0, 0, count);
  at::Tensor mask = at::zeros({all.numel()}, at::kBool);
  mask.index_fill_(0, chosen, true);
  at::NoGradGuard no_grad;
  std::int64_t offset = 0;
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    const std::int64_t n = parameters[i].numel();
    const at::Tensor reset = mask.narrow(0, offset, n).view(parameters[i].sizes());
    parameters[i].copy_(at::where(reset, replacement[i].to(parameters[i].device()), parameters[i]));
    offset += n;
  }
  return count;
}

void LocalizedReset::unlearn(UnlearningContext& context) const {
  const UnlearningOptions& options = context.options;
  std::int64_t total = 0;
  for (const auto& p : context.model->parameters()) total += p.numel();
  const auto count = static_cast<std::int64_t>(std::llround(options.reset_fraction * static_cast<double>(total)));
  if (count > 0) {
    const std::vector<at::Tensor> saliency = forget_saliency(*context.model, context.forget);
    if (options.reset_to == ResetTo::kRandom) {
      UFM_CHECK(static_cast<bool>(context.draw_initialisation), RuntimeError,
                "localized: reset_to random needs an initialiser");
      reset_most_salient(*context.model, saliency, context.draw_initialisation(), count);
    } else {
      UFM_CHECK(context.initial_parameters.size() == context.model->parameters().size(), RuntimeError,
                "localized: the initial parameters are missing");
      reset_most_salient(*context.model, saliency, context.initial_parameters, count);
    }
  }
  finetune_on_retain_set(context, options.epochs);
}

}  // namespace ufm
