#pragma once
/// Localised unlearning: find the weights most critical to the forget set and reset them,
/// then repair on the retain set (the "localise, reset, fine-tune" family of
/// ../shared/privacy.md, "Unlearning"; e.g. deletion by example localisation). The saliency
/// of weight w is |∂L_forget/∂w · w| (first-order change of the forget loss when w is set to
/// 0), L_forget the forget set's mean cross-entropy in evaluation mode. The
/// unlearning.reset_fraction of all parameter elements with the largest saliency (ties by
/// position) are set to their initial values (reset_to: initial) or to a fresh draw of the
/// initialiser (random); then unlearning.epochs of fine-tuning on the retain set.
#include "unlearning/unlearning_method.h"

namespace ufm {

/// Per parameter (model.parameters() order), the saliency |∂L/∂w · w| of the forget set.
std::vector<at::Tensor> forget_saliency(Classifier& model, const ForgetSet& forget);

/// Sets the `count` elements of largest saliency (over all parameters together) to the
/// element of `replacement`; returns how many were set.
std::int64_t reset_most_salient(Classifier& model, const std::vector<at::Tensor>& saliency,
                                const std::vector<at::Tensor>& replacement, std::int64_t count);

class LocalizedReset : public UnlearningMethod {
 public:
  void unlearn(UnlearningContext& context) const override;
};

}  // namespace ufm
