#include "data/dataset_registry.h"

#include <ATen/ATen.h>

#include <filesystem>

#include "core/error.h"
#include "data/cifar_reader.h"
#include "data/idx_reader.h"
#include "data/synthetic.h"

namespace ufm {
namespace {

constexpr std::int64_t kNumClasses = 10;

std::string directory_or_default(const DatasetOptions& options) {
  return options.path.empty() ? default_dataset_path(options.name) : options.path;
}

void check_labels(const std::vector<std::int64_t>& labels, const std::string& file) {
  for (std::size_t i = 0; i < labels.size(); ++i) {
    UFM_CHECK(labels[i] >= 0 && labels[i] < kNumClasses, DataError, file, ": label ", i, ": expected 0..",
              kNumClasses - 1, ", found ", labels[i]);
  }
}

ImageSplit make_split(const RawImages& images, const std::vector<std::int64_t>& labels,
                      const std::string& images_file, const std::string& labels_file) {
  UFM_CHECK(static_cast<std::int64_t>(labels.size()) == images.count, DataError, labels_file, ": expected ",
            images.count, " labels (one per image in ", images_file, "), found ", labels.size());
  check_labels(labels, labels_file);
  return ImageSplit{to_unit_tensor(images), to_label_tensor(labels)};
}

ImageSplit load_idx_split(const std::string& directory, const std::string& prefix) {
  const std::string images_file = find_idx_file(directory, prefix + "-images-idx3-ubyte");
  const std::string labels_file = find_idx_file(directory, prefix + "-labels-idx1-ubyte");
  return make_split(read_idx_images(images_file), read_idx_labels(labels_file), images_file, labels_file);
}

/// MNIST and Fashion-MNIST share the file names and layout.
ImageDataset load_idx_dataset(const std::string& name, const std::string& directory,
                              const Normalisation& normalisation) {
  ImageDataset dataset;
  dataset.name = name;
  dataset.train = load_idx_split(directory, "train");
  dataset.test = load_idx_split(directory, "t10k");
  UFM_CHECK(dataset.train.images.sizes().slice(1) == dataset.test.images.sizes().slice(1), DataError, directory,
            ": training images are ", dataset.train.images.sizes(), " but test images are ",
            dataset.test.images.sizes());
  dataset.num_classes = kNumClasses;
  dataset.normalisation = normalisation;
  return dataset;
}

ImageDataset load_fashion_mnist(const DatasetOptions& options) {
  return load_idx_dataset("fashion_mnist", directory_or_default(options), fashion_mnist_normalisation());
}

ImageDataset load_mnist(const DatasetOptions& options) {
  const std::string directory = directory_or_default(options);
  UFM_CHECK(std::filesystem::is_directory(directory), DataError, "mnist: directory '", directory,
            "' not found; set the dataset path to a directory with the MNIST IDX files",
            options.path.empty() ? ", or build the 10k subset with datasets/make_mnist_10k.sh datasets/mnist-10k"
                                 : "");
  return load_idx_dataset("mnist", directory, mnist_normalisation());
}

ImageDataset load_cifar10(const DatasetOptions& options) {
  UFM_CHECK(!options.path.empty(), ConfigError,
            "cifar10: no default directory; set the dataset path (data.path or ood.path) to the directory "
            "holding data_batch_1..5.bin and test_batch.bin (CIFAR-10 binary version)");
  ImageDataset dataset;
  dataset.name = "cifar10";
  const LabelledRawImages train = read_cifar10_split(options.path, true);
  const LabelledRawImages test = read_cifar10_split(options.path, false);
  dataset.train = ImageSplit{to_unit_tensor(train.images), to_label_tensor(train.labels)};
  dataset.test = ImageSplit{to_unit_tensor(test.images), to_label_tensor(test.labels)};
  dataset.num_classes = kNumClasses;
  dataset.normalisation = cifar10_normalisation();
  return dataset;
}

ImageDataset load_synthetic(const DatasetOptions&) { return make_synthetic_dataset(SyntheticOptions{}); }

void register_builtin_datasets(DatasetRegistry& registry) {
  registry.add("fashion_mnist", "Fashion-MNIST 60k/10k, 28x28 grey (IDX, plain or .gz)", load_fashion_mnist);
  registry.add("mnist", "MNIST, 28x28 grey (IDX, plain or .gz); default: the 10k subset in datasets/mnist-10k",
               load_mnist);
  registry.add("cifar10", "CIFAR-10 50k/10k, 32x32 colour (binary batches); needs a path", load_cifar10);
  registry.add("synthetic", "10 random class templates plus noise, 28x28 grey, 512/256 (for tests)",
               load_synthetic);
}

}  // namespace

DatasetRegistry& dataset_registry() {
  static DatasetRegistry registry = [] {
    DatasetRegistry r("dataset");
    register_builtin_datasets(r);
    return r;
  }();
  return registry;
}

ImageDataset load_dataset(const DatasetOptions& options) {
  options.validate();
  ImageDataset dataset = dataset_registry().create(options.name, options);
  dataset.train = take_first(dataset.train, options.train_limit);
  dataset.test = take_first(dataset.test, options.test_limit);
  return dataset;
}

std::string default_dataset_path(const std::string& name) {
  if (name == "fashion_mnist") return "/usr/share/datasets/fashion-mnist";
  if (name == "mnist") return "datasets/mnist-10k";
  return "";
}

Normalisation fashion_mnist_normalisation() { return {{0.2860405969887955}, {0.35302424451492237}}; }
Normalisation mnist_normalisation() { return {{0.1307}, {0.3081}}; }
Normalisation cifar10_normalisation() { return {{0.4914, 0.4822, 0.4465}, {0.2470, 0.2435, 0.2616}}; }

}  // namespace ufm
