#pragma once
/// Scores of many candidate patterns on one model (exposure, docs/verdicts.md): every
/// probe image stamped with every candidate, reduced to per-candidate means of the
/// log-softmax and softmax outputs.
///
/// Fast path: a candidate changes only the pixels under the patch, so when the model's
/// first layer is a linear layer on the flattened input, its pre-activation for image i
/// stamped with π is z_i − W_P x_{i,P} + W_P v_π (W_P: the patch's columns of W, 25 of 784
/// for a 5×5 patch on 28×28×1): one broadcast sum instead of a D-wide product, and the later
/// layers run batched over candidates × images. Any other model takes the full path: a
/// forward pass of every stamped image (for a CNN that is C·N complete forward passes).
#include <ATen/Tensor.h>

#include <cstdint>
#include <vector>

#include "data/image_dataset.h"
#include "features/pattern.h"
#include "models/classifier.h"

namespace ufm {

/// How patterns are written into probe images: replace the pixels at (offset, offset) on
/// [0,1] images in every channel, then normalise with the in-distribution constants
/// (unless `normalise` is false: the authors' one-channel bug, as in make_probe_inputs).
struct StampSpec {
  int offset = 1;
  Normalisation normalisation;
  bool normalise = true;
};

enum class CandidatePath { kAuto, kFast, kFull };

/// Per-pattern means over the probe images, row-major [patterns, classes].
struct CandidateMeans {
  std::int64_t patterns = 0;
  std::int64_t classes = 0;
  std::int64_t images = 0;
  std::vector<double> mean_log_prob;  ///< mean_i log p(k | x_i ⊕ π), natural log
  std::vector<double> mean_prob;      ///< mean_i p(k | x_i ⊕ π)
  bool fast = false;                  ///< computed by the fast path
  double log_prob(std::int64_t pattern, std::int64_t k) const {
    return mean_log_prob[static_cast<std::size_t>(pattern * classes + k)];
  }
  double prob(std::int64_t pattern, std::int64_t k) const {
    return mean_prob[static_cast<std::size_t>(pattern * classes + k)];
  }
};

/// True when the fast path applies to `model` on images shaped like `raw_images`: its first
/// traced layer is "linear", reads exactly the flattened input, and forward_from_first_layer
/// is implemented.
bool fast_candidate_path_available(Classifier& model, const at::Tensor& raw_images, const StampSpec& stamp);

/// Means over `raw_images` ([N, C, H, W] in [0,1], N may be 0) of the model's outputs on
/// each image stamped with each pattern, in evaluation mode without gradients. kAuto takes
/// the fast path where it applies; kFast throws RuntimeError where it does not.
/// `chunk_bytes` bounds the working set of one batch of candidates. 4 MiB (about the L2
/// cache of two cores) measured fastest on an idle 2-core machine: 1.34 s for 1000 × 1000
/// on the MLP against 1.49 s at 16 MiB and 2.75 s at 64 MiB (bench_candidates.cpp). Patterns
/// must all have one shape and fit at the offset (ConfigError naming feature.offset otherwise).
CandidateMeans candidate_means(Classifier& model, const at::Tensor& raw_images, const std::vector<Pattern>& patterns,
                               const StampSpec& stamp, CandidatePath path = CandidatePath::kAuto,
                               std::int64_t chunk_bytes = std::int64_t{4} << 20);

/// The two exposure scores of each pattern on one model.
struct CandidateScores {
  /// s(π) = mean over the probe images whose OOD label is `label` of log p(label | x ⊕ π).
  std::vector<double> known;
  /// Label unknown: ŷ_π = argmax_k mean_i (p(k | x_i ⊕ π) − p(k | x_i)) over the first
  /// `probe_limit` probe images (as M14, science.md), s(π) = mean_i log p(ŷ_π | x_i ⊕ π).
  std::vector<double> unknown;
  std::vector<std::int64_t> unknown_label;
  CandidateMeans known_means;    ///< over the images of `label`
  CandidateMeans unknown_means;  ///< over the probe subsample
  std::int64_t known_images = 0;
  std::int64_t unknown_images = 0;
};

/// Scores every pattern (the tested feature first, then its candidates) on one model.
/// `raw_images` [N, C, H, W] in [0,1] with int64 `labels` [N]; label in [0, classes).
/// probe_limit 0 = every image. RuntimeError when the labels do not match the images.
CandidateScores score_candidates(Classifier& model, const at::Tensor& raw_images, const at::Tensor& labels,
                                 std::int64_t label, const std::vector<Pattern>& patterns, const StampSpec& stamp,
                                 std::int64_t probe_limit, CandidatePath path = CandidatePath::kAuto);

}  // namespace ufm
