#include "config/experiment_config.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "config/experiment_fields.h"
#include "config/option_yaml.h"
#include "core/error.h"
#include "core/text_file.h"
#include "core/text.h"

namespace ufm {

namespace {

OptionTable<ExperimentConfig> make_experiment_options() {
  OptionTable<ExperimentConfig> table;
  // The name labels tables and files; renaming an experiment must not change run identities.
  table.add("name", &ExperimentConfig::name, "short experiment name for tables and file names")
      .non_empty("an experiment name")
      .not_scientific()
      .add_block(DatasetOptions::kBlock, &ExperimentConfig::data, DatasetOptions::options())
      .add_block(OodOptions::kBlock, &ExperimentConfig::ood, OodOptions::options())
      .add_block(FeatureOptions::kBlock, &ExperimentConfig::feature, FeatureOptions::options())
      .add_block(CanaryOptions::kBlock, &ExperimentConfig::canaries, CanaryOptions::options())
      .add_block(InfluenceOptions::kBlock, &ExperimentConfig::influence, InfluenceOptions::options())
      .add_block(ModelOptions::kBlock, &ExperimentConfig::model, ModelOptions::options())
      .add_block(TrainingOptions::kBlock, &ExperimentConfig::train, TrainingOptions::options())
      .add_block(AugmentationOptions::kBlock, &ExperimentConfig::augmentation, AugmentationOptions::options())
      // Declared late: written only when private training is asked for (option_yaml::write).
      .add_block(PrivacyOptions::kBlock, &ExperimentConfig::privacy, PrivacyOptions::options())
      .add_block(EvaluationOptions::kBlock, &ExperimentConfig::evaluation, EvaluationOptions::options())
      // Declared late, as privacy: written only when a run unlearns or forgets.
      .add_block(UnlearningOptions::kBlock, &ExperimentConfig::unlearning, UnlearningOptions::options())
      // Where and how a run executes never changes its results, so not its identity.
      .add_block(OutputOptions::kBlock, &ExperimentConfig::output, OutputOptions::options())
      .not_scientific()
      .add_block(ExecutionOptions::kBlock, &ExperimentConfig::execution, ExecutionOptions::options())
      .not_scientific()
      // Read by read_sweep_block; a plain parse takes the base config and ignores it.
      .reserve("sweep");
  return table;
}

std::string emit(const ExperimentConfig& config, bool scientific_only) {
  YAML::Emitter out;
  option_yaml::write(config_detail::experiment_options(), &config, out, scientific_only);
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

const OptionTable<ExperimentConfig>& experiment_options() {
  static const OptionTable<ExperimentConfig> table = make_experiment_options();
  return table;
}

std::vector<option_yaml::KeyDoc> key_reference() {
  const ExperimentConfig defaults;
  std::vector<option_yaml::KeyDoc> docs;
  option_yaml::describe(experiment_options(), &defaults, "", docs);
  return docs;
}

std::vector<std::string> leaf_paths() {
  const std::vector<option_yaml::KeyDoc> docs = key_reference();
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
  option_yaml::read(experiment_options(), &scratch, tree, label, "");
  return assignment;
}

void apply_assignment(YAML::Node& root, const Assignment& assignment) {
  merge_at(root, assignment.path, 0, assignment.value);
}

}  // namespace config_detail

void ExperimentConfig::validate() const {
  // The experiment's own keys; each block checks its declared rules (with its key path)
  // and the rules between its options in its validate().
  check_option_leaves(config_detail::experiment_options(), this, "");
  data.validate();
  ood.validate();
  feature.validate();
  canaries.validate();
  influence.validate();
  model.validate();
  train.validate();
  augmentation.validate();
  privacy.validate();
  evaluation.validate();
  unlearning.validate();
  output.validate();
  execution.validate();
  // Settings that only make sense together.
  // Batch norm mixes the examples of a batch: no example has a gradient of its own to clip,
  // so the sensitivity argument of DP-SGD does not hold (Abadi et al. 2016, §3.1).
  UFM_CHECK(!privacy.enabled || !model.batch_norm, ConfigError,
            "privacy.enabled: DP-SGD needs per-example gradients, which batch norm does not have; set "
            "model.batch_norm=false");
  // The per-example norms of DP-SGD are formed from the traced layer inputs and output
  // gradients in fp32 (models/per_example_norms.h); a bf16 pass would round them to bf16's
  // 8-bit mantissa before the clipping the guarantee rests on.
  UFM_CHECK(!privacy.enabled || train.precision != PrecisionChoice::kBf16, ConfigError,
            "train.precision: bf16 is not available with privacy.enabled (DP-SGD's per-example gradient norms and "
            "clipping are computed in fp32); set train.precision=fp32");
  UFM_CHECK(!privacy.enabled || privacy.poisson() || train.shuffle, ConfigError,
            "privacy.sampling: shuffled needs train.shuffle=true (fixed-size batches in a fresh order each epoch)");
  UFM_CHECK(canaries.batch_position < 0 || !train.shuffle, ConfigError,
            "canaries.batch_position: moving the canary to a batch needs train.shuffle=false");
  // Null pairs measure false-positive rates of pooled tests: they must be independent.
  UFM_CHECK(!feature.decoy || canaries.independent_pairs(), ConfigError,
            "feature.decoy: null pairs need canaries.pairing=independent (under shared pairing every null pair "
            "shares one seed and one control, so their p-values are dependent and measure no false-positive rate)");
  // The control model is the clean reference whose self-influence chooses the canaries.
  UFM_CHECK(canaries.controls || !(chosen_by_influence(canaries.select) || influence.rank_after), ConfigError,
            "canaries.select: ", canaries.select, (influence.rank_after ? " with influence.rank_after" : ""),
            " needs the control model as clean reference; set canaries.controls=true");
  // Unlearning compares the unlearned canary with three references (docs/unlearning.md): the
  // control (b), the control unlearned the same way (c), the retrained model (a). These are
  // rules of the experiment's design; a planned run's config (forget_index set by planning,
  // one model, canaries.controls false) passed them as a point and is not re-judged by them
  // when a piece is read back (ufm merge, Slurm).
  if (unlearning.enabled() && unlearning.forget_index < 0) {
    UFM_CHECK(canaries.controls, ConfigError, "unlearning.method: ", unlearning.method,
              " needs canaries.controls=true (references (b) and (c) are the controls, before and after the same "
              "unlearning)");
    UFM_CHECK(!canaries.one_run(), ConfigError, "unlearning.method: a one-run audit (canaries.mode: one_run) has no "
              "canary image to forget");
    UFM_CHECK(evaluation.exposure, ConfigError, "unlearning.method: ", unlearning.method,
              " needs evaluation.exposure=true (exposure against each reference)");
    UFM_CHECK(canaries.batch_position < 0, ConfigError,
              "unlearning.method: unlearning a canary moved by canaries.batch_position is not supported");
  }
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
  option_yaml::read(config_detail::experiment_options(), &config, root, source, "");
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
  option_yaml::flatten(config_detail::experiment_options(), &config, "", /*scientific_only=*/true, out);
  return out;
}

std::vector<std::string> describe_keys() {
  const std::vector<option_yaml::KeyDoc> docs = config_detail::key_reference();
  std::size_t path_width = 0, value_width = 0;
  for (const auto& doc : docs) {
    path_width = std::max(path_width, doc.path.size());
    value_width = std::max(value_width, doc.value.size());
  }
  std::vector<std::string> lines;
  for (const auto& doc : docs) {
    std::string line = doc.path + std::string(path_width + 2 - doc.path.size(), ' ') + doc.value +
                       std::string(value_width + 2 - doc.value.size(), ' ') + doc.description;
    if (!doc.allowed.empty()) line += " [" + doc.allowed + "]";
    lines.push_back(line);
  }
  return lines;
}

std::string key_reference_markdown() {
  std::string out =
      "# Configuration keys\n\n"
      "Generated from the option declarations beside each options struct (`ufm keys --markdown`);\n"
      "tests/config/key_reference_test.cpp checks that this file is what they generate.\n"
      "Keys marked \"no\" under *identity* never change a result and are not part of a run's identity.\n\n"
      "| key | default | allowed | identity | description |\n"
      "|---|---|---|---|---|\n";
  auto cell = [](std::string text) {
    std::string escaped;
    for (char c : text) escaped += c == '|' ? std::string("\\|") : std::string(1, c);
    return escaped;
  };
  for (const auto& doc : config_detail::key_reference()) {
    out += "| `" + doc.path + "` | `" + cell(doc.value) + "` | " + cell(doc.allowed) + " | " +
           (doc.scientific ? "yes" : "no") + " | " + cell(doc.description) + " |\n";
  }
  return out;
}

}  // namespace ufm
