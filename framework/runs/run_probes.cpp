#include "runs/run_probes.h"

#include <ATen/ATen.h>

#include <algorithm>

#include "data/image_dataset.h"
#include "features/inject.h"
#include "models/classifier.h"

namespace ufm {

namespace {

// The pair key that selects a run's patch draws: its own under independent pairing, 0 (the
// experiment's one draw shared by every model) under the authors' shared protocol.
std::int64_t patch_key(const ExperimentConfig& config) {
  return config.canaries.independent_pairs() ? std::max<std::int64_t>(config.canaries.pair, 0) : 0;
}

}  // namespace

RunProbes run_probes_for(const ExperimentConfig& config, const ExperimentData& data) {
  RunProbes out;
  out.feature = feature_for_pair(config.feature, std::max<std::int64_t>(config.canaries.pair, 0));
  const std::int64_t key = patch_key(config);
  for (std::int64_t d = 0; d < config.evaluation.patch_draws; ++d) {
    if (d == 0 && key == 0 && out.feature == data.feature) {
      out.draws.push_back(data.probes);  // the experiment's own probes: nothing to rebuild
      continue;
    }
    const auto patches = random_patches(data.ood.size(), out.feature.rows, out.feature.cols,
                                        patch_stream_seed(config.evaluation.patch_seed, key, d));
    if (d == 0) {
      out.draws.push_back(make_probe_inputs(data.ood, out.feature, patches, config.feature.offset,
                                            data.dataset.normalisation, config.ood.normalise));
    } else {
      // Only the random probe changes between draws.
      ProbeInputs inputs = out.draws.front();
      const at::Tensor random = inject_patches(data.ood.images, patches, config.feature.offset);
      inputs.random = config.ood.normalise ? normalise(random, data.dataset.normalisation) : random.contiguous();
      out.draws.push_back(std::move(inputs));
    }
  }
  return out;
}

}  // namespace ufm
