#include "influence/checkpoints.h"

#include <ATen/ATen.h>

#include "core/error.h"

namespace ufm {
namespace {

void copy_into(std::vector<at::Tensor> targets, const std::vector<at::Tensor>& sources, const char* what) {
  UFM_CHECK(targets.size() == sources.size(), RuntimeError, "load_checkpoint: the checkpoint has ", sources.size(),
            " ", what, ", the model ", targets.size());
  for (std::size_t i = 0; i < targets.size(); ++i) {
    UFM_CHECK(targets[i].sizes() == sources[i].sizes(), RuntimeError, "load_checkpoint: ", what, " ", i,
              " has shape ", sources[i].sizes(), " in the checkpoint and ", targets[i].sizes(), " in the model");
    targets[i].copy_(sources[i]);
  }
}

}  // namespace

Checkpoint capture_checkpoint(const torch::nn::Module& model, std::int64_t epoch) {
  Checkpoint checkpoint;
  checkpoint.epoch = epoch;
  for (const auto& p : model.parameters()) checkpoint.parameters.push_back(p.detach().clone());
  for (const auto& b : model.buffers()) checkpoint.buffers.push_back(b.detach().clone());
  return checkpoint;
}

void load_checkpoint(torch::nn::Module& model, const Checkpoint& checkpoint) {
  at::NoGradGuard no_grad;
  copy_into(model.parameters(), checkpoint.parameters, "parameters");
  copy_into(model.buffers(), checkpoint.buffers, "buffers");
}

std::vector<Checkpoint> checkpoints_at(const std::vector<Checkpoint>& all, const std::vector<std::int64_t>& epochs) {
  std::vector<Checkpoint> out;
  for (auto epoch : epochs) {
    auto found = std::find_if(all.begin(), all.end(), [&](const Checkpoint& c) { return c.epoch == epoch; });
    UFM_CHECK(found != all.end(), RuntimeError, "influence: no checkpoint was kept for epoch ", epoch);
    out.push_back(*found);
  }
  return out;
}

}  // namespace ufm
