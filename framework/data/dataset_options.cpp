#include "core/error.h"
#include "data/dataset_registry.h"
#include "data/ood_adapter.h"

namespace ufm {

const std::vector<std::string>& option_names(OodSplit) {
  static const std::vector<std::string> names = {"train", "test", "all"};
  return names;
}

const OptionTable<DatasetOptions>& DatasetOptions::options() {
  static const OptionTable<DatasetOptions> table = [] {
    OptionTable<DatasetOptions> t;
    t.add("name", &DatasetOptions::name, "in-distribution dataset: fashion_mnist | mnist | cifar10 | synthetic")
        .non_empty("a dataset name")
        .add("path", &DatasetOptions::path, "directory of the dataset files (\"\" = the dataset's default)")
        .add("train_limit", &DatasetOptions::train_limit, "keep the first N training images (0 = all)")
        .at_least(0, "0 = all")
        .add("test_limit", &DatasetOptions::test_limit, "keep the first N test images (0 = all)")
        .at_least(0, "0 = all");
    return t;
  }();
  return table;
}

void DatasetOptions::validate() const { check_options(options(), *this, kBlock); }

const OptionTable<OodOptions>& OodOptions::options() {
  static const OptionTable<OodOptions> table = [] {
    OptionTable<OodOptions> t;
    t.add("dataset", &OodOptions::dataset, "out-of-distribution dataset probing the models")
        .non_empty("a dataset name")
        .add("path", &OodOptions::path, "directory of the OOD dataset (\"\" = its default)")
        .add("split", &OodOptions::split, "OOD split used: train | test | all")
        .add("limit", &OodOptions::limit, "keep the first N OOD images (0 = all)")
        .at_least(0, "0 = all")
        .add("normalise", &OodOptions::normalise,
             "normalise OOD images (false reproduces the authors' bug; results are labelled)");
    return t;
  }();
  return table;
}

void OodOptions::validate() const { check_options(options(), *this, kBlock); }

}  // namespace ufm
