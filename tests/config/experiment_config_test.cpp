#include "config/experiment_config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace ufm {
namespace {

std::string config_error(const std::function<void()>& action) {
  try {
    action();
  } catch (const ConfigError& error) {
    return error.what();
  }
  ADD_FAILURE() << "no ConfigError";
  return "";
}

std::string parse_error(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  return config_error([&] { parse_experiment_config(yaml, "configs/x.yaml", overrides); });
}

// Every value differs from its default, so each key is seen to be read.
const char* const kFullYaml = R"(
name: full
data:
  name: mnist
  path: /data/mnist
  train_limit: 600
  test_limit: 100
ood:
  dataset: cifar10
  path: /data/cifar
  split: test
  limit: 50
  normalise: false
feature:
  pattern: matrix
  matrix: [[1, 0], [0, 1]]
  offset: 3
canaries:
  select: list
  count: 4
  seed: 7
  indices: [5, 17, 29]
  controls: false
model:
  name: cnn1
  hidden: [1024]
train:
  seed: 42
  optimizer: adam
  learning_rate: 0.001
  beta1: 0.8
  beta2: 0.99
  epsilon: 1.0e-8
  batch_size: 64
  max_epochs: 5
  shuffle: true
  early_stopping: false
  patience: 3
evaluation:
  patch_seed: 9
  save_probes: true
  batch_size: 500
output:
  path: out/full.h5
  save_weights: true
execution:
  threads: 2
  workers: 3
  progress: false
)";

TEST(ExperimentConfig, EmptyYamlGivesTheStructDefaults) {
  const ExperimentConfig parsed = parse_experiment_config("", "empty.yaml");
  EXPECT_EQ(to_yaml(parsed), to_yaml(ExperimentConfig{}));
  EXPECT_EQ(parsed.train.max_epochs, TrainingOptions{}.max_epochs);
  EXPECT_EQ(parsed.model.hidden, ModelOptions{}.hidden);
  // An empty block keeps its defaults too.
  EXPECT_EQ(to_yaml(parse_experiment_config("train:\nmodel: ~\n", "empty.yaml")), to_yaml(ExperimentConfig{}));
}

TEST(ExperimentConfig, ReadsEveryBlockOfAFullFile) {
  const ExperimentConfig c = parse_experiment_config(kFullYaml, "full.yaml");
  EXPECT_EQ(c.name, "full");
  EXPECT_EQ(c.data.name, "mnist");
  EXPECT_EQ(c.data.path, "/data/mnist");
  EXPECT_EQ(c.data.train_limit, 600);
  EXPECT_EQ(c.data.test_limit, 100);
  EXPECT_EQ(c.ood.dataset, "cifar10");
  EXPECT_EQ(c.ood.path, "/data/cifar");
  EXPECT_EQ(c.ood.split, OodSplit::kTest);
  EXPECT_EQ(c.ood.limit, 50);
  EXPECT_FALSE(c.ood.normalise);
  EXPECT_EQ(c.feature.pattern, "matrix");
  EXPECT_EQ(c.feature.matrix, (std::vector<std::vector<int>>{{1, 0}, {0, 1}}));
  EXPECT_EQ(c.feature.offset, 3);
  EXPECT_EQ(c.canaries.select, CanarySelect::kList);
  EXPECT_EQ(c.canaries.count, 4);
  EXPECT_EQ(c.canaries.seed, 7u);
  EXPECT_EQ(c.canaries.indices, (std::vector<std::int64_t>{5, 17, 29}));
  EXPECT_FALSE(c.canaries.controls);
  EXPECT_EQ(c.model.name, "cnn1");
  EXPECT_EQ(c.model.hidden, (std::vector<std::int64_t>{1024}));
  EXPECT_EQ(c.train.seed, 42u);
  EXPECT_EQ(c.train.optimizer, "adam");
  EXPECT_EQ(c.train.learning_rate, 0.001);
  EXPECT_EQ(c.train.beta1, 0.8);
  EXPECT_EQ(c.train.beta2, 0.99);
  EXPECT_EQ(c.train.epsilon, 1e-8);
  EXPECT_EQ(c.train.batch_size, 64);
  EXPECT_EQ(c.train.max_epochs, 5);
  EXPECT_TRUE(c.train.shuffle);
  EXPECT_FALSE(c.train.early_stopping);
  EXPECT_EQ(c.train.patience, 3);
  EXPECT_EQ(c.evaluation.patch_seed, 9u);
  EXPECT_TRUE(c.evaluation.save_probes);
  EXPECT_EQ(c.evaluation.batch_size, 500);
  EXPECT_EQ(c.output.path, "out/full.h5");
  EXPECT_TRUE(c.output.save_weights);
  EXPECT_EQ(c.execution.threads, 2);
  EXPECT_EQ(c.execution.workers, 3);
  EXPECT_FALSE(c.execution.progress);
}

TEST(ExperimentConfig, OverridesWinOverTheFile) {
  const ExperimentConfig c =
      parse_experiment_config(kFullYaml, "full.yaml", {"train.max_epochs=2", "name=other", "data.path="});
  EXPECT_EQ(c.train.max_epochs, 2);
  EXPECT_EQ(c.name, "other");
  EXPECT_EQ(c.data.path, "");
  EXPECT_EQ(c.train.batch_size, 64);  // untouched keys keep the file's value
  // Overrides also reach blocks the file does not have, and apply in order.
  const ExperimentConfig d = parse_experiment_config("", "x.yaml", {"train.seed=3", "train.seed=4"});
  EXPECT_EQ(d.train.seed, 4u);
}

TEST(ExperimentConfig, ListOverridesAreParsedAsYaml) {
  const ExperimentConfig c = parse_experiment_config(
      kFullYaml, "full.yaml", {"canaries.indices=[1,2,3]", "feature.matrix=[[0,1],[1,0]]", "model.hidden=[64, 32]"});
  EXPECT_EQ(c.canaries.indices, (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(c.feature.matrix, (std::vector<std::vector<int>>{{0, 1}, {1, 0}}));
  EXPECT_EQ(c.model.hidden, (std::vector<std::int64_t>{64, 32}));
}

TEST(ExperimentConfigErrors, UnknownKeySuggestsTheNearestKeyOfItsBlock) {
  EXPECT_EQ(parse_error("train:\n  max_epoch: 3\n"),
            "configs/x.yaml: unknown key 'train.max_epoch' (did you mean 'train.max_epochs'?)");
  EXPECT_EQ(parse_error("", {"train.max_epoch=3"}),
            "override 'train.max_epoch=3': unknown key 'train.max_epoch' (did you mean 'train.max_epochs'?)");
}

TEST(ExperimentConfigErrors, UnknownBlockSuggestsTheNearestBlock) {
  EXPECT_EQ(parse_error("trian:\n  seed: 1\n"), "configs/x.yaml: unknown key 'trian' (did you mean 'train'?)");
  EXPECT_EQ(parse_error("", {"evaluaton.batch_size=3"}),
            "override 'evaluaton.batch_size=3': unknown key 'evaluaton' (did you mean 'evaluation'?)");
}

TEST(ExperimentConfigErrors, WrongTypesNameKeyExpectationAndValue) {
  EXPECT_EQ(parse_error("train:\n  max_epochs: ten\n"),
            "configs/x.yaml: train.max_epochs: expected an integer, got 'ten'");
  EXPECT_EQ(parse_error("train:\n  max_epochs: 2.5\n"),
            "configs/x.yaml: train.max_epochs: expected an integer, got '2.5'");
  EXPECT_EQ(parse_error("train:\n  shuffle: yes\n"),
            "configs/x.yaml: train.shuffle: expected true or false, got 'yes'");
  EXPECT_EQ(parse_error("train:\n  seed: -1\n"),
            "configs/x.yaml: train.seed: expected a non-negative integer, got '-1'");
  EXPECT_EQ(parse_error("train:\n  learning_rate: fast\n"),
            "configs/x.yaml: train.learning_rate: expected a number, got 'fast'");
  EXPECT_EQ(parse_error("", {"train.max_epochs=ten"}),
            "override 'train.max_epochs=ten': train.max_epochs: expected an integer, got 'ten'");
  EXPECT_EQ(parse_error("model:\n  hidden: 512\n"),
            "configs/x.yaml: model.hidden: expected a list of integers, got '512'");
}

TEST(ExperimentConfigErrors, AnUnknownChoiceOfAnEnumeratedOptionNamesItsKeyTheChoicesAndTheNearest) {
  for (const auto& [override_text, expected] :
       std::vector<std::pair<std::string, std::string>>{
           {"canaries.select=most_influental", "canaries.select: expected random | list | most_influential"},
           {"influence.checkpoints=al", "influence.checkpoints: expected auto | all | count | list"},
           {"evaluation.candidate_space=letter", "evaluation.candidate_space: expected random | letters | list"}}) {
    SCOPED_TRACE(override_text);
    const std::string message = parse_error("", {override_text});
    EXPECT_NE(message.find(expected), std::string::npos) << message;
    EXPECT_NE(message.find("did you mean"), std::string::npos) << message;
  }
  // And every declared name reads back as itself.
  const ExperimentConfig c = parse_experiment_config(
      "", "x.yaml", {"canaries.select=hardest", "influence.checkpoints=count", "evaluation.candidate_space=letters"});
  EXPECT_EQ(c.canaries.select, CanarySelect::kHardest);
  EXPECT_EQ(c.influence.checkpoints, CheckpointRule::kCount);
  EXPECT_EQ(c.evaluation.candidate_space, CandidateSpace::kLetters);
  EXPECT_NE(to_yaml(c).find("select: hardest"), std::string::npos);
}

TEST(ExperimentConfigErrors, AnUnknownNameOfTheLaterEnumerationsIsRefusedWithTheChoicesAndTheNearest) {
  for (const auto& [override_text, expected] : std::vector<std::pair<std::string, std::string>>{
           {"privacy.sampling=poison",
            "privacy.sampling: expected poisson | shuffled, got 'poison' (did you mean 'poisson'?)"},
           {"privacy.neighbouring=add-remove",
            "privacy.neighbouring: expected replace | add_remove, got 'add-remove' (did you mean 'add_remove'?)"},
           {"privacy.target=epsillon",
            "privacy.target: expected none | epsilon | mu | attack | advantage, got 'epsillon' (did you mean "
            "'epsilon'?)"},
           {"privacy.references=own",
            "privacy.references: expected own_noise | shared_noise, got 'own' (did you mean 'own_noise'?)"},
           {"train.weight_decay_mode=decouple",
            "train.weight_decay_mode: expected l2 | decoupled, got 'decouple' (did you mean 'decoupled'?)"},
           {"train.precision=bf15", "train.precision: expected fp32 | bf16 | auto, got 'bf15' (did you mean 'bf16'?)"},
           {"unlearning.reset_to=randon",
            "unlearning.reset_to: expected initial | random, got 'randon' (did you mean 'random'?)"},
           {"ood.split=tests", "ood.split: expected train | test | all, got 'tests' (did you mean 'test'?)"}}) {
    SCOPED_TRACE(override_text);
    const std::string message = parse_error("", {override_text});
    EXPECT_NE(message.find(expected), std::string::npos) << message;
  }
  // Every name reads back as itself, and is written (so stored and hashed) as that name.
  const ExperimentConfig c = parse_experiment_config(
      "", "x.yaml",
      {"privacy.sampling=shuffled", "privacy.neighbouring=add_remove", "privacy.target=advantage",
       "privacy.references=shared_noise", "train.weight_decay_mode=decoupled", "train.precision=auto",
       "unlearning.reset_to=random", "ood.split=train"});
  EXPECT_EQ(c.privacy.sampling, Sampling::kShuffled);
  EXPECT_EQ(c.privacy.neighbouring, Neighbouring::kAddRemove);
  EXPECT_EQ(c.privacy.target, NoiseTarget::kAdvantage);
  EXPECT_EQ(c.privacy.references, PrivateReferences::kSharedNoise);
  EXPECT_EQ(c.train.weight_decay_mode, WeightDecayMode::kDecoupled);
  EXPECT_EQ(c.train.precision, PrecisionChoice::kAuto);
  EXPECT_EQ(c.unlearning.reset_to, ResetTo::kRandom);
  EXPECT_EQ(c.ood.split, OodSplit::kTrain);
  const std::string yaml = to_yaml(c);
  for (const char* line : {"sampling: shuffled", "neighbouring: add_remove", "target: advantage",
                           "references: shared_noise", "weight_decay_mode: decoupled", "precision: auto",
                           "reset_to: random", "split: train"}) {
    EXPECT_NE(yaml.find(line), std::string::npos) << line;
  }
}

TEST(ExperimentConfigErrors, BlocksMustBeMaps) {
  EXPECT_EQ(parse_error("train: 5\n"), "configs/x.yaml: train: expected a map of keys, got '5'");
  EXPECT_EQ(parse_error("- a\n- b\n"),
            "configs/x.yaml: expected a map of blocks (name, data, train, ...), got a list");
  EXPECT_EQ(parse_error("", {"train=5"}), "override 'train=5': train: expected a map of keys, got '5'");
}

TEST(ExperimentConfigErrors, DuplicateKeysAreRejected) {
  EXPECT_EQ(parse_error("train:\n  seed: 1\n  seed: 2\n"), "configs/x.yaml: duplicate key 'train.seed'");
}

TEST(ExperimentConfigErrors, MalformedYamlGivesLineAndColumn) {
  const std::string message = parse_error("train:\n  hidden: [1, 2\nmodel: {\n");
  EXPECT_EQ(message.rfind("configs/x.yaml: malformed YAML at line ", 0), 0u) << message;
  EXPECT_NE(message.find(", column "), std::string::npos) << message;
  EXPECT_EQ(parse_error("", {"canaries.indices=[1,"}).rfind("override 'canaries.indices=[1,': malformed YAML", 0),
            0u);
}

TEST(ExperimentConfigErrors, OverrideWithoutEqualsIsRejected) {
  EXPECT_EQ(parse_error("", {"foo"}), "override 'foo': expected key=value");
  EXPECT_EQ(parse_error("", {"=3"}), "override '=3': expected key=value");
  EXPECT_EQ(parse_error("", {"train..seed=3"}),
            "override 'train..seed=3': expected a key like train.max_epochs, got 'train..seed'");
}

TEST(ExperimentConfigErrors, ValidationErrorsCarrySourceAndKeyPath) {
  EXPECT_EQ(parse_error("", {"train.batch_size=0"}), "configs/x.yaml: train.batch_size: expected >= 1, got 0");
  EXPECT_EQ(parse_error("ood:\n  split: half\n"),
            "configs/x.yaml: ood.split: expected train | test | all, got 'half' (did you mean 'all'?)");
  EXPECT_EQ(parse_error("output:\n  path: results/x.txt\n"),
            "configs/x.yaml: output.path: expected a file name ending in .h5, got 'results/x.txt'");
  EXPECT_EQ(parse_error("name: ''\n"), "configs/x.yaml: name: expected an experiment name, got an empty string");
}

TEST(ExperimentConfig, ValidateChecksEveryBlock) {
  ExperimentConfig config;
  EXPECT_NO_THROW(config.validate());
  config.execution.workers = 0;
  EXPECT_EQ(config_error([&] { config.validate(); }), "execution.workers: expected >= 1, got 0");
  config = ExperimentConfig{};
  config.feature.pattern = "matrix";  // with an empty matrix
  EXPECT_EQ(config_error([&] { config.validate(); }).rfind("feature.matrix:", 0), 0u);
}

TEST(ExperimentConfig, ToYamlRoundTripsExactly) {
  ExperimentConfig c = parse_experiment_config(kFullYaml, "full.yaml");
  c.train.learning_rate = 0.1 + 0.2;  // needs all 17 digits
  c.train.epsilon = 1e-300;
  c.name = "a: b # not a comment";
  c.data.path = "";
  c.ood.path = "null";
  c.data.name = "123";  // any string, and one that reads as a number when unquoted
  const std::string yaml = to_yaml(c);
  const ExperimentConfig back = parse_experiment_config(yaml, "dump.yaml");
  EXPECT_EQ(to_yaml(back), yaml);
  EXPECT_EQ(back.train.learning_rate, 0.1 + 0.2);
  EXPECT_EQ(back.train.epsilon, 1e-300);
  EXPECT_EQ(back.name, c.name);
  EXPECT_EQ(back.data.path, "");
  EXPECT_EQ(back.ood.path, "null");
  EXPECT_EQ(back.data.name, "123");
  EXPECT_EQ(to_yaml(parse_experiment_config(to_yaml(ExperimentConfig{}), "d.yaml")), to_yaml(ExperimentConfig{}));
}

TEST(ExperimentConfig, ToYamlWritesEveryBlockInDeclarationOrder) {
  const std::string yaml = to_yaml(ExperimentConfig{});
  std::size_t last = 0;
  for (const char* block : {"name:", "\ndata:", "\nood:", "\nfeature:", "\ncanaries:", "\nmodel:", "\ntrain:",
                            "\nevaluation:", "\noutput:", "\nexecution:"}) {
    const std::size_t at = yaml.find(block);
    ASSERT_NE(at, std::string::npos) << block;
    EXPECT_GE(at, last) << block;
    last = at;
  }
  EXPECT_NE(yaml.find("  hidden: [512, 256]\n"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("  learning_rate: 0.0003\n"), std::string::npos) << yaml;
}

TEST(ExperimentConfig, ScientificYamlIgnoresOutputAndExecution) {
  const ExperimentConfig base = parse_experiment_config(kFullYaml, "full.yaml");
  const ExperimentConfig moved = parse_experiment_config(
      kFullYaml, "full.yaml", {"output.path=elsewhere/r.h5", "output.save_weights=false", "execution.threads=8",
                               "execution.workers=1", "execution.progress=true"});
  EXPECT_NE(to_yaml(base), to_yaml(moved));
  EXPECT_EQ(scientific_yaml(base), scientific_yaml(moved));
  EXPECT_EQ(scientific_yaml(base).find("output"), std::string::npos);
  EXPECT_EQ(scientific_yaml(base).find("execution"), std::string::npos);
}

TEST(ExperimentConfig, ScientificYamlChangesWithTheTrainingSeed) {
  const ExperimentConfig base = parse_experiment_config(kFullYaml, "full.yaml");
  const ExperimentConfig reseeded = parse_experiment_config(kFullYaml, "full.yaml", {"train.seed=43"});
  EXPECT_NE(scientific_yaml(base), scientific_yaml(reseeded));
}

TEST(ExperimentConfig, ScientificYamlIsCanonicalWhateverTheFileOrder) {
  const ExperimentConfig a = parse_experiment_config("train:\n  seed: 1\n  max_epochs: 3\nname: n\n", "a.yaml");
  const ExperimentConfig b = parse_experiment_config("name: n\ntrain: {max_epochs: 3, seed: 1}\n", "b.yaml");
  EXPECT_EQ(scientific_yaml(a), scientific_yaml(b));
}

TEST(ExperimentConfig, DescribeKeysListsEveryKeyWithItsDefaultAndAllowedValues) {
  const std::vector<std::string> lines = describe_keys();
  const auto line_of = [&](const std::string& key) {
    for (const auto& line : lines) {
      if (line.rfind(key + " ", 0) == 0) return line;
    }
    return std::string();
  };
  EXPECT_NE(line_of("train.max_epochs").find(" 100 "), std::string::npos) << line_of("train.max_epochs");
  EXPECT_NE(line_of("train.max_epochs").find("[>= 1]"), std::string::npos) << line_of("train.max_epochs");
  EXPECT_NE(line_of("train.optimizer").find("[adam | sgd]"), std::string::npos) << line_of("train.optimizer");
  EXPECT_NE(line_of("model.hidden").find(" [512, 256] "), std::string::npos);
  EXPECT_NE(line_of("train.learning_rate").find(" 0.0003 "), std::string::npos);
  EXPECT_NE(line_of("canaries.pairing").find("[shared | independent]"), std::string::npos);
  // Every line also has a description after the default.
  for (const auto& line : lines) EXPECT_GT(line.size(), line.find_last_of(' ') + 1) << line;
}

TEST(ExperimentConfig, EveryDescribedKeyCanBeOverridden) {
  // The tables for parsing and for describing are one: each key path is accepted.
  const ExperimentConfig defaults;
  for (const auto& line : describe_keys()) {
    const std::string key = line.substr(0, line.find(' '));
    SCOPED_TRACE(key);
    const std::string rest = line.substr(key.size());
    const std::string value = rest.substr(rest.find_first_not_of(' '));
    const std::string default_value = value.substr(0, value.find("  "));
    EXPECT_EQ(to_yaml(parse_experiment_config("", "x.yaml", {key + "=" + default_value})), to_yaml(defaults));
  }
}

TEST(LoadExperimentConfig, ReadsAFileAndAppliesOverrides) {
  testing::TempDir dir;
  const std::string path = dir.file("exp.yaml");
  std::ofstream(path) << "name: from_file\ntrain:\n  max_epochs: 7\n";
  const ExperimentConfig c = load_experiment_config(path, {"train.patience=2"});
  EXPECT_EQ(c.name, "from_file");
  EXPECT_EQ(c.train.max_epochs, 7);
  EXPECT_EQ(c.train.patience, 2);
  std::ofstream(path) << "train:\n  max_epochs: x\n";
  EXPECT_EQ(config_error([&] { load_experiment_config(path); }),
            path + ": train.max_epochs: expected an integer, got 'x'");
}

TEST(LoadExperimentConfig, MissingFileIsADataErrorNamingIt) {
  testing::TempDir dir;
  const std::string path = dir.file("absent.yaml");
  try {
    load_experiment_config(path);
    FAIL() << "no DataError";
  } catch (const DataError& error) {
    EXPECT_NE(std::string(error.what()).find(path), std::string::npos) << error.what();
  }
  EXPECT_THROW(load_experiment_config(dir.path()), DataError);
}

}  // namespace
}  // namespace ufm

namespace ufm {
namespace {

TEST(ExperimentConfigErrors, NullPairsUnderASharedControlAreRefused) {
  // Null pairs that share one seed and one control are dependent: they measure no FPR.
  const std::string message = parse_error("feature:\n  pattern: random\n  decoy: true\n");
  EXPECT_NE(message.find("feature.decoy: null pairs need canaries.pairing=independent"), std::string::npos) << message;
  EXPECT_NO_THROW(parse_experiment_config("feature:\n  pattern: random\n  decoy: true\ncanaries:\n  pairing: independent\n",
                                          "configs/x.yaml"));
}

}  // namespace
}  // namespace ufm
