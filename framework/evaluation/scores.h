#pragma once
/// Memorisation scores of one model from its softmax outputs on the three OOD probes
/// (science.md, "Scores"; Hartley & Tsaftaris 2022, Sec. 3). Torch-free.
#include <cstdint>
#include <vector>

#include "core/matrix_view.h"

namespace ufm {

/// Softmax outputs [N, K] of one model on the clean, feature-stamped and random-patch
/// versions of the same N OOD images, with each image's own OOD label.
struct ProbeOutputs {
  MatrixView clean;
  MatrixView feature;
  MatrixView random;
  const std::int64_t* labels = nullptr;  ///< N OOD labels
  void check() const;  ///< throws RuntimeError when shapes disagree
};

/// The label-known score M for one label y over S_y = {i : OOD label_i = y}, q = onehot(y):
/// M = mean_{S_y} [KL(q‖p^r_i) − KL(q‖p^u_i)], with the one-sided paired t-test and
/// Mann–Whitney test of KL(q‖p^r) > KL(q‖p^u). NaN (and images = 0) when S_y is empty.
struct LabelKnownScore {
  double m = 0.0;
  double ttest_p = 1.0;
  double mannwhitney_p = 1.0;
  std::int64_t images = 0;
};

struct MemorisationScores {
  /// M2 = mean_i KL(p^c_i‖p^u_i) − mean_i KL(p^c_i‖p^r_i), over all N (no label needed).
  double m2 = 0.0;
  /// M for every label k = 0..K−1 (a control serves every canary label; a canary uses its own).
  std::vector<LabelKnownScore> per_label;
  /// Label guessed as argmax_k mean_i (p^u_i(k) − p^c_i(k)), then M over all N with q = onehot(ŷ).
  std::int64_t m14_label = -1;
  double m14 = 0.0;
  /// Label guessed as argmax_k mean_i (p^u_i(k) − p^r_i(k)), then M over all N.
  std::int64_t m15_label = -1;
  double m15 = 0.0;
  /// Mean entropies (nats) of p^c, p^u, p^r, and mean KL(p^u‖p^r).
  double entropy_clean = 0.0;
  double entropy_feature = 0.0;
  double entropy_random = 0.0;
  double kl_feature_random = 0.0;
};

/// M for one label (see LabelKnownScore).
LabelKnownScore label_known_score(const ProbeOutputs& probes, std::int64_t label);

/// M over all N images with q = onehot(label) (used by M14/M15).
double label_known_score_all_images(const ProbeOutputs& probes, std::int64_t label);

/// Every score of one model.
MemorisationScores memorisation_scores(const ProbeOutputs& probes);

}  // namespace ufm
