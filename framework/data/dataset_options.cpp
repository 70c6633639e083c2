#include "core/error.h"
#include "data/dataset_registry.h"
#include "data/ood_adapter.h"

namespace ufm {

void DatasetOptions::validate() const {
  UFM_CHECK(!name.empty(), ConfigError, "data.name: expected a dataset name, got an empty string");
  UFM_CHECK(train_limit >= 0, ConfigError, "data.train_limit: expected >= 0 (0 = all), got ", train_limit);
  UFM_CHECK(test_limit >= 0, ConfigError, "data.test_limit: expected >= 0 (0 = all), got ", test_limit);
}

void OodOptions::validate() const {
  UFM_CHECK(!dataset.empty(), ConfigError, "ood.dataset: expected a dataset name, got an empty string");
  UFM_CHECK(split == "train" || split == "test" || split == "all", ConfigError,
            "ood.split: expected train, test or all, got '", split, "'");
  UFM_CHECK(limit >= 0, ConfigError, "ood.limit: expected >= 0 (0 = all), got ", limit);
}

}  // namespace ufm
