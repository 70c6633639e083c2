#pragma once
/// The training set as a model sees it: normalised images in a fixed order, with one image
/// replaced by its stamped copy (or, for a one-run audit, many, in a private copy). A view,
/// never an edit of the shared tensors, so one loaded dataset serves every canary model and
/// its control.
#include <ATen/Tensor.h>

#include <cstdint>
#include <vector>

namespace ufm {

class TrainingView {
 public:
  /// images: normalised float32 [N, C, H, W]; labels: int64 [N].
  TrainingView(at::Tensor images, at::Tensor labels);

  /// Replaces example `index` by `stamped_image` (normalised [C, H, W]) in every batch.
  /// The image is moved to the device of the view's images.
  void set_canary(std::int64_t index, at::Tensor stamped_image);

  /// Replaces examples `indices` by `stamped_images` (normalised [n, C, H, W]) in a private
  /// copy of the images, so every batch and every reader of images() sees them (a one-run
  /// audit stamps hundreds of images; the shared tensors stay untouched).
  void set_stamped(const std::vector<std::int64_t>& indices, const at::Tensor& stamped_images);

  /// A fixed training order (int64 [N], a permutation) used when not shuffling.
  void set_order(at::Tensor order);
  const at::Tensor& order() const { return order_; }

  /// Leaves examples `indices` out of training: each is dropped from the batch it falls in,
  /// every other batch stays as it was (drop_removed in training/batch_sampler.h). The
  /// retain set of unlearning and the retrained reference (issue "Unlearning the canary").
  void set_removed(std::vector<std::int64_t> indices);
  const std::vector<std::int64_t>& removed() const { return removed_; }

  std::int64_t size() const { return images_.size(0); }
  /// The tensors the view reads: the shared ones (never modified), or the private copy made
  /// by set_stamped.
  const at::Tensor& images() const { return images_; }
  const at::Tensor& labels() const { return labels_; }
  std::int64_t canary_index() const { return canary_index_; }

  /// Examples order[begin:end] (or begin:end when order is undefined) with the canary applied.
  /// Contiguous slices without the canary are returned without copying. The batch lives
  /// where the view's images live (`order` may be a CPU tensor).
  std::pair<at::Tensor, at::Tensor> batch(const at::Tensor& order, std::int64_t begin, std::int64_t end) const;

 private:
  at::Tensor images_;
  at::Tensor labels_;
  std::int64_t canary_index_ = -1;
  at::Tensor canary_image_;
  at::Tensor order_;
  std::vector<std::int64_t> removed_;
};

}  // namespace ufm
