#include "runs/record_arrays.h"

#include <ATen/ATen.h>

#include <vector>

#include "models/classifier.h"
#include "storage/schema.h"

namespace ufm {


ArrayData matrix(const at::Tensor& values, const std::string& axes) {
  at::Tensor contiguous = values.to(at::kFloat).contiguous();
  const float* begin = contiguous.data_ptr<float>();
  return ArrayData{contiguous.sizes().vec(), axes, std::vector<float>(begin, begin + contiguous.numel())};
}

namespace {

std::string weight_axes(const std::string& name, std::int64_t dims) {
  if (dims == 1) return "output";
  if (dims == 2) return "output,input";
  if (dims == 4) return "output,input,height,width";
  std::string axes;
  for (std::int64_t d = 0; d < dims; ++d) axes += (d ? ",dim" : "dim") + std::to_string(d);
  return axes;
}

}  // namespace

void add_history(RunRecord& record, const TrainingHistory& history) {
  record.arrays[schema::kTrainLoss] = ArrayData::vector(history.train_loss, "epoch");
  record.arrays[schema::kTrainAccuracy] = ArrayData::vector(history.train_accuracy, "epoch");
  record.arrays[schema::kValLoss] = ArrayData::vector(history.val_loss, "epoch");
  record.arrays[schema::kValAccuracy] = ArrayData::vector(history.val_accuracy, "epoch");
  record.arrays[schema::kEpochSeconds] = ArrayData::vector(history.epoch_seconds, "epoch");
  record.arrays[schema::kBestEpoch] = ArrayData::integer(history.best_epoch);
  record.arrays[schema::kEpochsRun] = ArrayData::integer(history.epochs_run());
}


void save_model_state(RunRecord& record, Classifier& model, bool with_buffers) {
  for (const auto& item : model.named_parameters()) {
    record.arrays[std::string(schema::kWeightsGroup) + "/" + item.key()] =
        matrix(item.value().detach(), weight_axes(item.key(), item.value().dim()));
  }
  if (!with_buffers) return;
  for (const auto& item : model.named_buffers()) {
    const std::string path = std::string(schema::kWeightsGroup) + "/" + item.key();
    record.arrays[path] = item.value().dim() == 0
                              ? ArrayData::scalar(item.value().item<double>())
                              : matrix(item.value().detach(), weight_axes(item.key(), item.value().dim()));
  }
}


}  // namespace ufm
