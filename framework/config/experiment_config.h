#pragma once
/// The whole experiment as typed options: each block is the options struct of the
/// component that consumes it. config/ is the only place that knows YAML.
/// Precedence: defaults (in the structs) < YAML file < "key=value" overrides.
#include <map>
#include <string>
#include <vector>

#include "runtime/execution_options.h"
#include "data/dataset_registry.h"
#include "data/ood_adapter.h"
#include "evaluation/evaluation_options.h"
#include "features/canary_selection.h"
#include "features/pattern.h"
#include "influence/influence_options.h"
#include "models/model_registry.h"
#include "storage/output_options.h"
#include "training/augmentation.h"
#include "training/privacy_options.h"
#include "training/training_options.h"
#include "unlearning/unlearning_options.h"

namespace ufm {

struct ExperimentConfig {
  /// A short name for tables and file names.
  std::string name = "experiment";
  DatasetOptions data;
  OodOptions ood;
  FeatureOptions feature;
  CanaryOptions canaries;
  InfluenceOptions influence;
  ModelOptions model;
  TrainingOptions train;
  AugmentationOptions augmentation;
  PrivacyOptions privacy;
  EvaluationOptions evaluation;
  UnlearningOptions unlearning;
  OutputOptions output;
  ExecutionOptions execution;
  /// Validates every block (throws ConfigError naming the key).
  void validate() const;
};

/// Parses YAML text (`source` names it in errors), applies overrides ("train.max_epochs=2",
/// values parsed as YAML), validates. Unknown keys and wrong types throw ConfigError
/// with the key path, what was expected and the nearest valid key.
ExperimentConfig parse_experiment_config(const std::string& yaml_text, const std::string& source,
                                         const std::vector<std::string>& overrides = {});

/// Reads and parses a YAML file (DataError naming the file when unreadable).
ExperimentConfig load_experiment_config(const std::string& path,
                                        const std::vector<std::string>& overrides = {});

/// The fully resolved config as YAML: every key, fixed order; parsing it gives the same config.
std::string to_yaml(const ExperimentConfig& config);

/// Only the keys that change results (everything but `output` and `execution`), in a
/// canonical form: the input of run identities.
std::string scientific_yaml(const ExperimentConfig& config);

/// The scientific form as key path → value ("train.seed" → "3", "model.hidden" → "[512, 256]"):
/// the same keys as scientific_yaml, flattened, for comparing runs key by key.
std::map<std::string, std::string> scientific_settings(const ExperimentConfig& config);

/// Every valid key path with its default, description and allowed values
/// ("train.max_epochs  100  upper bound on training epochs [>= 1]").
std::vector<std::string> describe_keys();

/// The key reference as a markdown table (docs/keys.md): key, default, allowed values,
/// whether it is part of a run's identity, description.
std::string key_reference_markdown();

}  // namespace ufm
