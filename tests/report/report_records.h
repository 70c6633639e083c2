#pragma once
/// Small result files with known scores, built in memory (no training), for the report tests.
#include <cstdint>
#include <string>
#include <vector>

#include "storage/run_record.h"
#include "storage/schema.h"

namespace ufm::testing {

/// Resolved config YAML in the layout the config layer emits.
inline std::string run_config_yaml(const std::string& model, int seed) {
  return "name: test\ndata:\n  name: fashion_mnist\n  path: /data\nmodel:\n  name: " + model +
         "\n  hidden: [512, 256]\ntrain:\n  seed: " + std::to_string(seed) +
         "\n  learning_rate: 0.0003\nfeature:\n  pattern: A\n  offset: 1\n";
}

inline RunRecord control_run(const std::string& identity, std::vector<double> m_per_label, const std::string& model,
                             int seed, const std::string& varying) {
  RunRecord run;
  run.identity = identity;
  run.attributes[schema::kIsControl] = std::int64_t{1};
  run.attributes[schema::kCanaryIndex] = std::int64_t{-1};
  run.attributes[schema::kCanaryLabel] = std::int64_t{-1};
  run.attributes[schema::kSeed] = std::int64_t{seed};
  run.attributes[schema::kVaryingKeys] = varying;
  run.attributes[schema::kRunConfig] = run_config_yaml(model, seed);
  run.attributes["feature_pattern"] = std::string("00100/01010/11111/10001/10001");
  run.arrays[schema::kScoreM] = ArrayData::vector(std::move(m_per_label), "label");
  run.arrays[schema::kScoreM2] = ArrayData::scalar(0.01);
  run.arrays[schema::kTestAccuracy] = ArrayData::scalar(0.5);
  run.arrays[schema::kBestEpoch] = ArrayData::scalar(2);
  run.arrays[schema::kEpochsRun] = ArrayData::scalar(4);
  return run;
}

struct CanarySpec {
  std::string identity;
  std::int64_t index;
  std::int64_t label;
  int seed;
  double m;
  double p;
  double accuracy;
  std::string control;  ///< "" = no control_identity attribute
};

inline RunRecord canary_run(const CanarySpec& spec, const std::string& model, const std::string& varying) {
  RunRecord run;
  run.identity = spec.identity;
  run.attributes[schema::kIsControl] = std::int64_t{0};
  run.attributes[schema::kCanaryIndex] = spec.index;
  run.attributes[schema::kCanaryLabel] = spec.label;
  run.attributes[schema::kSeed] = std::int64_t{spec.seed};
  run.attributes[schema::kVaryingKeys] = varying;
  run.attributes[schema::kRunConfig] = run_config_yaml(model, spec.seed);
  run.attributes["feature_pattern"] = std::string("00100/01010/11111/10001/10001");
  if (!spec.control.empty()) run.attributes[schema::kControlIdentity] = spec.control;
  run.arrays[schema::kScoreM] = ArrayData::scalar(spec.m);
  run.arrays[schema::kScoreMTtestP] = ArrayData::scalar(spec.p);
  run.arrays[schema::kScoreMMannWhitneyP] = ArrayData::scalar(spec.p);
  run.arrays[schema::kScoreM2] = ArrayData::scalar(0.02);
  run.arrays[schema::kTestAccuracy] = ArrayData::scalar(spec.accuracy);
  run.arrays[schema::kBestEpoch] = ArrayData::scalar(3);
  run.arrays[schema::kEpochsRun] = ArrayData::scalar(5);
  return run;
}

/// A sweep over model.name (mlp, cnn), one seed.
///  mlp: control c-mlp with M per label {0.05, 0.0, 0.1}; canaries (label, M, p):
///       (0, 0.1, 0.01), (1, −0.05, 0.2), (2, 0.3, 0.04); accuracies 0.8, 0.9, 0.7.
///  cnn: control c-cnn with M per label {0.5, −1.0, 2.0}; canaries (2, 2.5, 0.5) linked,
///       (1, −0.2, 0.01) linked, (0, 0.4, 0.03) without a control.
inline ResultFile model_sweep() {
  ResultFile file;
  file.runs.push_back(control_run("c-mlp", {0.05, 0.0, 0.1}, "mlp", 0, "model.name=mlp"));
  file.runs.push_back(canary_run({"m-a", 10, 0, 0, 0.1, 0.01, 0.8, "c-mlp"}, "mlp", "model.name=mlp"));
  file.runs.push_back(canary_run({"m-b", 11, 1, 0, -0.05, 0.2, 0.9, "c-mlp"}, "mlp", "model.name=mlp"));
  file.runs.push_back(canary_run({"m-c", 12, 2, 0, 0.3, 0.04, 0.7, "c-mlp"}, "mlp", "model.name=mlp"));
  file.runs.push_back(control_run("c-cnn", {0.5, -1.0, 2.0}, "cnn", 0, "model.name=cnn"));
  file.runs.push_back(canary_run({"n-a", 10, 2, 0, 2.5, 0.5, 0.6, "c-cnn"}, "cnn", "model.name=cnn"));
  file.runs.push_back(canary_run({"n-b", 11, 1, 0, -0.2, 0.01, 0.6, "c-cnn"}, "cnn", "model.name=cnn"));
  file.runs.push_back(canary_run({"n-c", 12, 0, 0, 0.4, 0.03, 0.6, ""}, "cnn", "model.name=cnn"));
  return file;
}

/// A sweep over train.seed (0, 1, 2), model mlp: canary 7 (label 1) with M 0.1, 0.3, 0.2
/// and controls whose M at label 1 is 0.0, 0.1, 0.3; canary 3 (label 0) with M 0.5, 0.7
/// at seeds 0 and 1 and control M at label 0 of 0.2 for both.
inline ResultFile seed_sweep() {
  ResultFile file;
  const std::vector<std::vector<double>> control_m = {{0.2, 0.0}, {0.2, 0.1}, {0.5, 0.3}};
  const std::vector<double> canary7 = {0.1, 0.3, 0.2};
  for (int seed = 0; seed < 3; ++seed) {
    const std::string varying = "train.seed=" + std::to_string(seed);
    const std::string control = "ctl-" + std::to_string(seed);
    file.runs.push_back(control_run(control, control_m[seed], "mlp", seed, varying));
    file.runs.push_back(
        canary_run({"c7-" + std::to_string(seed), 7, 1, seed, canary7[seed], 0.01, 0.8, control}, "mlp", varying));
    if (seed < 2) {
      file.runs.push_back(canary_run({"c3-" + std::to_string(seed), 3, 0, seed, seed == 0 ? 0.5 : 0.7, 0.2, 0.8,
                                      control},
                                     "mlp", varying));
    }
  }
  return file;
}

inline std::string audit_config_yaml(const std::string& pairing, int seed) {
  return "name: test\ndata:\n  name: fashion_mnist\nmodel:\n  name: mlp\nfeature:\n  size: 5\ncanaries:\n  select: "
         "random\n  pairing: " +
         pairing + "\n  pair: " + std::to_string(seed) + "\ntrain:\n  seed: " + std::to_string(seed) +
         "\nprivacy:\n  delta: 1.0e-05\n";
}

/// n pairs (canary k on seed k with its own control); canary k's own exposure is
/// member[k], its control's exposure of the same feature non_member[k]; every M is 0.1
/// against a control M of 0.
inline ResultFile audit_pairs(const std::vector<double>& member, const std::vector<double>& non_member,
                              const std::string& pairing = "independent") {
  ResultFile file;
  for (std::size_t k = 0; k < member.size(); ++k) {
    const int seed = static_cast<int>(k);
    const std::string control = "c" + std::to_string(100 + k);
    RunRecord c = control_run(control, std::vector<double>(10, 0.0), "mlp", seed, "");
    c.attributes[schema::kRunConfig] = audit_config_yaml(pairing, seed);
    file.runs.push_back(c);
    RunRecord canary =
        canary_run({"k" + std::to_string(100 + k), static_cast<std::int64_t>(k), 3, seed, 0.1, 0.5, 0.8, control},
                   "mlp", "");
    canary.attributes[schema::kRunConfig] = audit_config_yaml(pairing, seed);
    canary.attributes[schema::kPairKey] = static_cast<std::int64_t>(k);
    canary.arrays[schema::kExposure] = ArrayData::scalar(member[k]);
    canary.arrays[schema::kExposureControl] = ArrayData::scalar(non_member[k]);
    file.runs.push_back(canary);
  }
  return file;
}

}  // namespace ufm::testing
