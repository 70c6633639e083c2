#include "training/batches.h"

#include <ATen/ATen.h>

#include "core/error.h"

namespace ufm {

TrainingView::TrainingView(at::Tensor images, at::Tensor labels)
    : images_(std::move(images)), labels_(std::move(labels)) {
  UFM_CHECK(images_.size(0) == labels_.size(0), RuntimeError, "TrainingView: ", images_.size(0), " images but ",
            labels_.size(0), " labels");
}

void TrainingView::set_canary(std::int64_t index, at::Tensor stamped_image) {
  UFM_CHECK(index >= 0 && index < size(), RuntimeError, "TrainingView: canary index ", index,
            " outside the training set of ", size());
  canary_index_ = index;
  canary_image_ = stamped_image.to(images_.device());
}

void TrainingView::set_stamped(const std::vector<std::int64_t>& indices, const at::Tensor& stamped_images) {
  UFM_CHECK(stamped_images.size(0) == static_cast<std::int64_t>(indices.size()), RuntimeError, "TrainingView: ",
            indices.size(), " indices but ", stamped_images.size(0), " stamped images");
  if (indices.empty()) return;
  for (std::int64_t index : indices) {
    UFM_CHECK(index >= 0 && index < size(), RuntimeError, "TrainingView: stamped index ", index,
              " outside the training set of ", size());
  }
  images_ = images_.clone();
  const at::Tensor where = at::tensor(indices, at::kLong).to(images_.device());
  images_.index_copy_(0, where, stamped_images.to(images_.device(), images_.scalar_type()));
}

void TrainingView::set_order(at::Tensor order) {
  UFM_CHECK(order.numel() == size(), RuntimeError, "TrainingView: an order of ", order.numel(), " for ", size(),
            " examples");
  order_ = order.to(at::kLong).contiguous();
}

void TrainingView::set_removed(std::vector<std::int64_t> indices) {
  for (std::int64_t index : indices) {
    UFM_CHECK(index >= 0 && index < size(), RuntimeError, "TrainingView: removed index ", index,
              " outside the training set of ", size());
  }
  removed_ = std::move(indices);
}

std::pair<at::Tensor, at::Tensor> TrainingView::batch(const at::Tensor& order, std::int64_t begin,
                                                      std::int64_t end) const {
  if (!order.defined()) {
    at::Tensor images = images_.narrow(0, begin, end - begin);
    at::Tensor labels = labels_.narrow(0, begin, end - begin);
    if (canary_index_ >= begin && canary_index_ < end) {
      images = images.clone();
      images[canary_index_ - begin].copy_(canary_image_);
    }
    return {images, labels};
  }
  const at::Tensor indices = order.narrow(0, begin, end - begin).to(at::kCPU).contiguous();
  const at::Tensor gather = indices.to(images_.device());
  at::Tensor images = images_.index_select(0, gather);
  at::Tensor labels = labels_.index_select(0, gather);
  if (canary_index_ >= 0) {
    const auto* index = indices.data_ptr<std::int64_t>();
    for (std::int64_t k = 0; k < indices.numel(); ++k) {
      if (index[k] == canary_index_) images[k].copy_(canary_image_);
    }
  }
  return {images, labels};
}

}  // namespace ufm
