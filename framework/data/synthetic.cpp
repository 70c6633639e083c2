#include "data/synthetic.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "core/error.h"

namespace ufm {
namespace {

// Labels cycle through the classes so that every class appears in every prefix.
at::Tensor cyclic_labels(std::int64_t size, std::int64_t num_classes) {
  return at::arange(size, at::kLong).remainder(num_classes);
}

ImageSplit make_split(const at::Tensor& templates, std::int64_t size, double noise, at::Generator& generator) {
  const at::Tensor labels = cyclic_labels(size, templates.size(0));
  const at::Tensor clean = templates.index_select(0, labels);
  const at::Tensor jitter = at::randn(clean.sizes(), generator, at::kFloat);
  return ImageSplit{(clean + jitter * noise).clamp_(0.0, 1.0), labels};
}

}  // namespace

ImageDataset make_synthetic_dataset(const SyntheticOptions& options) {
  UFM_CHECK(options.train_size > 0 && options.test_size > 0, ConfigError,
            "synthetic: expected positive train_size and test_size, got ", options.train_size, " and ",
            options.test_size);
  UFM_CHECK(options.channels > 0 && options.height > 0 && options.width > 0, ConfigError,
            "synthetic: expected a positive image shape, got ", options.channels, "x", options.height, "x",
            options.width);
  UFM_CHECK(options.num_classes >= 2, ConfigError, "synthetic: expected at least 2 classes, got ",
            options.num_classes);
  UFM_CHECK(options.noise >= 0, ConfigError, "synthetic: expected noise >= 0, got ", options.noise);

  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(options.seed);
  // Templates are binary (0.2 or 0.8) so classes differ by a wide margin at every pixel
  // where they disagree, and stay distinguishable after noise and clamping.
  const at::Tensor templates =
      at::bernoulli(at::full({options.num_classes, options.channels, options.height, options.width}, 0.5),
                    generator)
          .mul_(0.6)
          .add_(0.2);

  ImageDataset dataset;
  dataset.name = "synthetic";
  dataset.num_classes = options.num_classes;
  dataset.train = make_split(templates, options.train_size, options.noise, generator);
  dataset.test = make_split(templates, options.test_size, options.noise, generator);
  const at::Tensor per_channel = dataset.train.images.transpose(0, 1).reshape({options.channels, -1}).to(at::kDouble);
  const at::Tensor mean = per_channel.mean(1);
  const at::Tensor std = per_channel.std(1, /*unbiased=*/false).clamp_min(1e-6);
  for (std::int64_t c = 0; c < options.channels; ++c) {
    dataset.normalisation.mean.push_back(mean[c].item<double>());
    dataset.normalisation.std.push_back(std[c].item<double>());
  }
  return dataset;
}

}  // namespace ufm
