#include "config/experiment_config.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "config/experiment_fields.h"
#include "core/error.h"
#include "core/text_file.h"
#include "core/text.h"

namespace ufm {

namespace {

using yaml_fields::FieldTable;

template <typename Struct>
using TablePtr = std::shared_ptr<const FieldTable<Struct>>;

TablePtr<DatasetOptions> dataset_fields() {
  auto table = std::make_shared<FieldTable<DatasetOptions>>();
  table->add("name", &DatasetOptions::name, "in-distribution dataset: fashion_mnist | mnist | cifar10 | synthetic")
      .add("path", &DatasetOptions::path, "directory of the dataset files (\"\" = the dataset's default)")
      .add("train_limit", &DatasetOptions::train_limit, "keep the first N training images (0 = all)")
      .add("test_limit", &DatasetOptions::test_limit, "keep the first N test images (0 = all)");
  return table;
}

TablePtr<OodOptions> ood_fields() {
  auto table = std::make_shared<FieldTable<OodOptions>>();
  table->add("dataset", &OodOptions::dataset, "out-of-distribution dataset probing the models")
      .add("path", &OodOptions::path, "directory of the OOD dataset (\"\" = its default)")
      .add("split", &OodOptions::split, "OOD split used: train | test | all")
      .add("limit", &OodOptions::limit, "keep the first N OOD images (0 = all)")
      .add("normalise", &OodOptions::normalise,
           "normalise OOD images (false reproduces the authors' bug; results are labelled)");
  return table;
}

TablePtr<FeatureOptions> feature_fields() {
  auto table = std::make_shared<FieldTable<FeatureOptions>>();
  table->add("pattern", &FeatureOptions::pattern, "unique feature: a letter A-Z (5x5), 'random' (per canary) or 'matrix'")
      .add("matrix", &FeatureOptions::matrix, "rows of 0/1 used when pattern is 'matrix'")
      .add("offset", &FeatureOptions::offset, "top-left pixel (row and column) where the pattern is written")
      .add("seed", &FeatureOptions::seed, "seed of the random feature (and decoy) stream, keyed by pair")
      .add("size", &FeatureOptions::size, "side of a random feature in pixels")
      .add("decoy", &FeatureOptions::decoy,
           "null pairs: stamp a random decoy instead of the tested feature (calibration)");
  return table;
}

TablePtr<CanaryOptions> canary_fields() {
  auto table = std::make_shared<FieldTable<CanaryOptions>>();
  table->add("select", &CanaryOptions::select,
             "how canary images are chosen: random | list | most_influential | least_influential | hardest | "
             "easiest (the last four: influence.k images of the control model)")
      .add("count", &CanaryOptions::count, "number of random canaries (select: random)")
      .add("seed", &CanaryOptions::seed, "32-bit seed of numpy RandomState(seed).randint (select: random)")
      .add("indices", &CanaryOptions::indices, "explicit training indices (select: list)")
      .add("controls", &CanaryOptions::controls, "train a control model per distinct training seed")
      .add("batch_position", &CanaryOptions::batch_position,
           "move the canary to the first slot of this mini-batch (-1 = off; needs train.shuffle=false)")
      .add("pairing", &CanaryOptions::pairing,
           "shared (one seed and control for all canaries) | independent (canary k: seed+k, own control)")
      .add("pair", &CanaryOptions::pair, "set by planning in run configs: the run's pair key (-1 in experiment files)")
      .add_late("control_moves", &CanaryOptions::control_moves,
                "set by planning in a batch-position control's config: the image it moves, unstamped (-1 otherwise)",
                std::int64_t{-1});
  return table;
}

TablePtr<InfluenceOptions> influence_fields() {
  auto table = std::make_shared<FieldTable<InfluenceOptions>>();
  table->add("checkpoints", &InfluenceOptions::checkpoints,
             "checkpoints TracIn sums over: auto (the authors' rule) | all | count | list")
      .add("count", &InfluenceOptions::count, "number of evenly spaced checkpoints (checkpoints: count)")
      .add("epochs", &InfluenceOptions::epochs, "1-based epochs of the checkpoints (checkpoints: list)")
      .add("batch_size", &InfluenceOptions::batch_size, "examples per pass when computing self-influence")
      .add("k", &InfluenceOptions::k, "canaries per influence/hardness group (canaries.select)")
      .add("rank_after", &InfluenceOptions::rank_after,
           "also rank each canary's stamped image by self-influence in its own model");
  return table;
}

TablePtr<ModelOptions> model_fields() {
  auto table = std::make_shared<FieldTable<ModelOptions>>();
  table->add("name", &ModelOptions::name, "registered model name")
      .add("hidden", &ModelOptions::hidden, "hidden layer widths of the MLP")
      .add("batch_norm", &ModelOptions::batch_norm, "batch norm after every dense/conv layer, before ReLU")
      .add("dropout", &ModelOptions::dropout, "dropout with the paper's rates (MLP 0.5; CNN 0.2 conv, 0.5 dense)")
      .add("dropout_rate", &ModelOptions::dropout_rate, "one rate for every dropout layer (< 0 = the paper's)");
  return table;
}

TablePtr<TrainingOptions> training_fields() {
  auto table = std::make_shared<FieldTable<TrainingOptions>>();
  table->add("seed", &TrainingOptions::seed, "seed of initialisation, batch order and every draw of a run")
      .add("optimizer", &TrainingOptions::optimizer, "optimiser: adam | sgd")
      .add("learning_rate", &TrainingOptions::learning_rate, "optimiser step size")
      .add("beta1", &TrainingOptions::beta1, "Adam first-moment decay")
      .add("beta2", &TrainingOptions::beta2, "Adam second-moment decay")
      .add("epsilon", &TrainingOptions::epsilon, "Adam denominator epsilon")
      .add("momentum", &TrainingOptions::momentum, "SGD momentum (ignored by Adam)")
      .add("weight_decay", &TrainingOptions::weight_decay, "weight decay on weight matrices and kernels (0 = none)")
      .add("weight_decay_mode", &TrainingOptions::weight_decay_mode,
           "l2 (rate/2·|w|^2 in the loss) | decoupled (AdamW-style shrinkage)")
      .add("batch_size", &TrainingOptions::batch_size, "training images per step")
      .add("max_epochs", &TrainingOptions::max_epochs, "upper bound on training epochs")
      .add("shuffle", &TrainingOptions::shuffle, "shuffle the training set every epoch")
      .add("early_stopping", &TrainingOptions::early_stopping, "stop when validation loss stops improving")
      .add("patience", &TrainingOptions::patience, "epochs without improvement before stopping");
  return table;
}

TablePtr<AugmentationOptions> augmentation_fields() {
  auto table = std::make_shared<FieldTable<AugmentationOptions>>();
  table->add("enabled", &AugmentationOptions::enabled, "augment training batches (contrast, crop+resize, flip)")
      .add("contrast", &AugmentationOptions::contrast, "random contrast factor range 1 ± contrast")
      .add("crop", &AugmentationOptions::crop, "random square crop side resized back (0 = H-1)")
      .add("horizontal_flip_for_colour", &AugmentationOptions::horizontal_flip_for_colour,
           "random horizontal flips for 3-channel images");
  return table;
}

TablePtr<EvaluationOptions> evaluation_fields() {
  auto table = std::make_shared<FieldTable<EvaluationOptions>>();
  table->add("patch_seed", &EvaluationOptions::patch_seed, "seed of the random-patch stream shared by all models")
      .add("save_probes", &EvaluationOptions::save_probes, "store the softmax outputs of the three probes")
      .add("per_epoch", &EvaluationOptions::per_epoch, "also score the model after every epoch (scores_per_epoch/)")
      .add("batch_size", &EvaluationOptions::batch_size, "images per forward pass when probing")
      .add("patch_draws", &EvaluationOptions::patch_draws, "draws D of the random patches (M per draw in M_draws)")
      .add("exposure", &EvaluationOptions::exposure, "rank the feature among candidate patterns (exposure)")
      .add("candidates", &EvaluationOptions::candidates, "candidates C of the random candidate space")
      .add("candidate_space", &EvaluationOptions::candidate_space, "candidate patterns: random | letters | list")
      .add("candidate_list", &EvaluationOptions::candidate_list,
           "candidates of the list space: rows*cols 0/1 values each, row-major")
      .add("candidate_seed", &EvaluationOptions::candidate_seed, "seed of the candidate stream, keyed by pair")
      .add("candidate_probe_limit", &EvaluationOptions::candidate_probe_limit,
           "OOD images scored by the label-unknown exposure (0 = all)")
      .add("save_candidate_scores", &EvaluationOptions::save_candidate_scores,
           "store every candidate's score (axis candidate)");
  return table;
}

TablePtr<OutputOptions> output_fields() {
  auto table = std::make_shared<FieldTable<OutputOptions>>();
  table->add("path", &OutputOptions::path, "result file (.h5); its pieces live in <path>.d/")
      .add("save_weights", &OutputOptions::save_weights, "store every model parameter under weights/");
  return table;
}

TablePtr<ExecutionOptions> execution_fields() {
  auto table = std::make_shared<FieldTable<ExecutionOptions>>();
  table->add("threads", &ExecutionOptions::threads, "intra-op threads per run; fixed so results are bit-identical across machines (0 = every core)")
      .add("workers", &ExecutionOptions::workers, "runs trained side by side")
      .add("progress", &ExecutionOptions::progress, "per-epoch progress lines on stderr")
      .add("device", &ExecutionOptions::device, "auto | cpu | cuda | cuda:N (auto = a GPU when there is one)")
      .add("deterministic_gpu", &ExecutionOptions::deterministic_gpu, "deterministic GPU algorithms only")
      .add("parallel_models", &ExecutionOptions::parallel_models,
           "models trained together as one batched computation (runs differing only in seed/canary)");
  return table;
}

FieldTable<ExperimentConfig> make_experiment_fields() {
  FieldTable<ExperimentConfig> table;
  // The name labels tables and files; renaming an experiment must not change run identities.
  table.add("name", &ExperimentConfig::name, "short experiment name for tables and file names",
            /*scientific=*/false)
      .add_block("data", &ExperimentConfig::data, dataset_fields())
      .add_block("ood", &ExperimentConfig::ood, ood_fields())
      .add_block("feature", &ExperimentConfig::feature, feature_fields())
      .add_block("canaries", &ExperimentConfig::canaries, canary_fields())
      .add_block("influence", &ExperimentConfig::influence, influence_fields())
      .add_block("model", &ExperimentConfig::model, model_fields())
      .add_block("train", &ExperimentConfig::train, training_fields())
      .add_block("augmentation", &ExperimentConfig::augmentation, augmentation_fields())
      .add_block("evaluation", &ExperimentConfig::evaluation, evaluation_fields())
      // Where and how a run executes never changes its results, so not its identity.
      .add_block("output", &ExperimentConfig::output, output_fields(), /*scientific=*/false)
      .add_block("execution", &ExperimentConfig::execution, execution_fields(), /*scientific=*/false)
      // Read by read_sweep_block; a plain parse takes the base config and ignores it.
      .reserve("sweep");
  return table;
}

std::string emit(const ExperimentConfig& config, bool scientific_only) {
  YAML::Emitter out;
  config_detail::experiment_fields().write(config, out, scientific_only);
  return std::string(out.c_str()) + "\n";
}

// {path[from]: {path[from+1]: ... leaf}}. Built fresh: assigning one YAML::Node variable
// to another rebinds shared data, so nodes are never reassigned here.
YAML::Node nest(const std::vector<std::string>& path, std::size_t from, const YAML::Node& leaf) {
  if (from == path.size()) return leaf;
  YAML::Node map(YAML::NodeType::Map);
  map[path[from]] = nest(path, from + 1, leaf);
  return map;
}

// Descends through the maps that already exist, so that an override of one key keeps the
// file's other keys of that block.
void merge_at(YAML::Node map, const std::vector<std::string>& path, std::size_t depth, const YAML::Node& leaf) {
  if (depth + 1 < path.size()) {
    YAML::Node child = map[path[depth]];
    if (child.IsDefined() && child.IsMap()) {
      merge_at(child, path, depth + 1, leaf);
      return;
    }
  }
  map[path[depth]] = nest(path, depth + 1, leaf);
}

}  // namespace

namespace config_detail {

const yaml_fields::FieldTable<ExperimentConfig>& experiment_fields() {
  static const FieldTable<ExperimentConfig> table = make_experiment_fields();
  return table;
}

std::vector<std::string> leaf_paths() {
  std::vector<yaml_fields::KeyDoc> docs;
  experiment_fields().describe(ExperimentConfig{}, "", docs);
  std::vector<std::string> paths;
  for (const auto& doc : docs) paths.push_back(doc.path);
  return paths;
}

YAML::Node load_tree(const std::string& text, const std::string& source) {
  try {
    return YAML::Load(text);
  } catch (const YAML::ParserException& error) {
    throw ConfigError(detail::concat(source, ": malformed YAML at line ", error.mark.line + 1, ", column ",
                                     error.mark.column + 1, ": ", error.msg));
  }
}

Assignment parse_assignment(const std::string& override_text) {
  const std::string label = "override '" + override_text + "'";
  const auto equals = override_text.find('=');
  UFM_CHECK(equals != std::string::npos && equals > 0, ConfigError, label, ": expected key=value");
  Assignment assignment;
  assignment.text = override_text;
  assignment.key = override_text.substr(0, equals);
  assignment.path = split(assignment.key, '.');
  for (const auto& part : assignment.path) {
    UFM_CHECK(!part.empty(), ConfigError, label, ": expected a key like train.max_epochs, got '", assignment.key,
              "'");
  }
  UFM_CHECK(assignment.path.front() != "sweep", ConfigError, label,
            ": the sweep block cannot be overridden; override the swept key itself");
  assignment.value = load_tree(override_text.substr(equals + 1), label);
  // Read the single assignment into a scratch config so that an unknown key or a wrong
  // type is reported against the override, not against the file it lands in.
  YAML::Node tree(YAML::NodeType::Map);
  apply_assignment(tree, assignment);
  ExperimentConfig scratch;
  experiment_fields().read(scratch, tree, label, "");
  return assignment;
}

void apply_assignment(YAML::Node& root, const Assignment& assignment) {
  merge_at(root, assignment.path, 0, assignment.value);
}

}  // namespace config_detail

void ExperimentConfig::validate() const {
  UFM_CHECK(!name.empty(), ConfigError, "name: expected a non-empty experiment name");
  data.validate();
  ood.validate();
  feature.validate();
  canaries.validate();
  influence.validate();
  model.validate();
  train.validate();
  augmentation.validate();
  evaluation.validate();
  output.validate();
  execution.validate();
  // Settings that only make sense together.
  UFM_CHECK(canaries.batch_position < 0 || !train.shuffle, ConfigError,
            "canaries.batch_position: moving the canary to a batch needs train.shuffle=false");
  // Null pairs measure false-positive rates of pooled tests: they must be independent.
  UFM_CHECK(!feature.decoy || canaries.pairing == "independent", ConfigError,
            "feature.decoy: null pairs need canaries.pairing=independent (under shared pairing every null pair "
            "shares one seed and one control, so their p-values are dependent and measure no false-positive rate)");
  // The control model is the clean reference whose self-influence chooses the canaries.
  UFM_CHECK(canaries.controls || !(selection_needs_influence(canaries.select) || influence.rank_after), ConfigError,
            "canaries.select: ", canaries.select, (influence.rank_after ? " with influence.rank_after" : ""),
            " needs the control model as clean reference; set canaries.controls=true");
  // Candidates must have the feature's shape; checked here so a bad list fails before training.
  if (evaluation.exposure) {
    candidate_patterns(evaluation.candidate_space, evaluation.candidates, evaluation.candidate_list,
                       feature_for_pair(feature, 0), evaluation.candidate_seed, 0);
  }
}

ExperimentConfig parse_experiment_config(const std::string& yaml_text, const std::string& source,
                                         const std::vector<std::string>& overrides) {
  YAML::Node root = config_detail::load_tree(yaml_text, source);
  if (!root.IsDefined() || root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
  if (!root.IsMap()) {
    yaml_fields::fail(source, "", "expected a map of blocks (name, data, train, ...), got " +
                                      yaml_fields::describe_node(root));
  }
  for (const auto& override_text : overrides) {
    config_detail::apply_assignment(root, config_detail::parse_assignment(override_text));
  }
  ExperimentConfig config;
  config_detail::experiment_fields().read(config, root, source, "");
  try {
    config.validate();
  } catch (const ConfigError& error) {
    throw ConfigError(source + ": " + error.what());
  }
  return config;
}

ExperimentConfig load_experiment_config(const std::string& path, const std::vector<std::string>& overrides) {
  return parse_experiment_config(read_text_file(path, "the experiment config"), path, overrides);
}

std::string to_yaml(const ExperimentConfig& config) { return emit(config, /*scientific_only=*/false); }

std::string scientific_yaml(const ExperimentConfig& config) { return emit(config, /*scientific_only=*/true); }

std::map<std::string, std::string> scientific_settings(const ExperimentConfig& config) {
  std::map<std::string, std::string> out;
  config_detail::experiment_fields().flatten(config, "", /*scientific_only=*/true, out);
  return out;
}

std::vector<std::string> describe_keys() {
  std::vector<yaml_fields::KeyDoc> docs;
  config_detail::experiment_fields().describe(ExperimentConfig{}, "", docs);
  std::size_t path_width = 0, value_width = 0;
  for (const auto& doc : docs) {
    path_width = std::max(path_width, doc.path.size());
    value_width = std::max(value_width, doc.value.size());
  }
  std::vector<std::string> lines;
  for (const auto& doc : docs) {
    std::string line = doc.path + std::string(path_width + 2 - doc.path.size(), ' ') + doc.value +
                       std::string(value_width + 2 - doc.value.size(), ' ') + doc.description;
    lines.push_back(line);
  }
  return lines;
}

}  // namespace ufm
