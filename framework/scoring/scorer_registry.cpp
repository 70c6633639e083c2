#include "scoring/scorer_registry.h"

#include <set>

#include "core/error.h"
#include "scoring/authors_scores.h"
#include "scoring/control_rescore.h"
#include "scoring/exposure_scorer.h"
#include "scoring/patch_draws.h"
#include "scoring/probability_score.h"
#include "scoring/self_influence_scorer.h"
#include "scoring/test_accuracy.h"
#include "storage/schema.h"

namespace ufm {
namespace {

void register_builtin_scorers(ScorerRegistry& registry) {
  registry.add("label_known", "the authors' M with its per-model t-test and Mann-Whitney p (label known)",
               make_label_known_scorer);
  registry.add("label_unknown", "the authors' M14 and M15 with their guessed labels", make_label_unknown_scorer);
  registry.add("no_label", "the authors' M2 (no label needed)", make_no_label_scorer);
  registry.add("entropy", "mean entropies of the three probes and KL(p^u||p^r)", make_entropy_scorer);
  registry.add("probability", "the 2023 probability score M_prob, label known and unknown, and label guesses",
               make_probability_scorer);
  registry.add("test_accuracy", "accuracy of the kept model on the test split", make_test_accuracy_scorer);
  registry.add("patch_draws", "M on every random-patch draw (evaluation.patch_draws > 1)", make_patch_draws_scorer);
  registry.add("control_rescore", "the canary's own control scored on the canary's feature and patches",
               make_control_rescore_scorer);
  registry.add("exposure", "the feature ranked among candidate patterns, alone and against the control",
               make_exposure_scorer);
  registry.add("self_influence", "TracIn self-influence of every training image, and confidence",
               make_self_influence_scorer);
}

}  // namespace

ScorerRegistry& scorer_registry() {
  static ScorerRegistry registry = [] {
    ScorerRegistry r("scorer");
    register_builtin_scorers(r);
    return r;
  }();
  return registry;
}

namespace {

// One instance of every registered scorer with its name, made once: scoring runs after every
// epoch, and scorers hold no state.
const std::vector<std::pair<std::string, std::shared_ptr<const Scorer>>>& scorers() {
  static const auto all = [] {
    std::vector<std::pair<std::string, std::shared_ptr<const Scorer>>> out;
    for (const std::string& name : scorer_registry().names()) out.emplace_back(name, scorer_registry().create(name));
    return out;
  }();
  return all;
}

}  // namespace

ScoreResult score_with_all(const ScoringContext& context, bool probes_only) {
  ScoreResult out;
  for (const auto& [name, scorer] : scorers()) {
    if (probes_only && !scorer->probes_only()) continue;
    ScoreResult result = scorer->score(context);
    // A scorer whose input the run did not provide returns nothing at all.
    if (result.arrays.empty() && result.attributes.empty()) continue;
    std::set<std::string> declared;
    for (const ScoreOutput& output : scorer->outputs()) {
      declared.insert(output.path);
      UFM_CHECK(!output.when.empty() || result.arrays.count(output.path), RuntimeError, "scorer ", name,
                " declares ", output.path, " but did not return it");
    }
    for (auto& [path, array] : result.arrays) {
      UFM_CHECK(declared.count(path), RuntimeError, "scorer ", name, " returned ", path, ", which it does not declare");
      UFM_CHECK(!out.arrays.count(path), RuntimeError, "scorer ", name, " returns ", path,
                ", which another scorer returns");
      out.arrays[path] = std::move(array);
    }
    for (auto& [key, value] : result.attributes) out.attributes[key] = std::move(value);
    for (auto& [key, value] : result.kept) out.kept[key] = std::move(value);
  }
  return out;
}

std::string per_epoch_path(const std::string& path) {
  const std::string scores = std::string(schema::kScoresGroup) + "/";
  const std::string name = path.rfind(scores, 0) == 0 ? path.substr(scores.size()) : path;
  return std::string(schema::kScoresPerEpochGroup) + "/" + name;
}

ScoreArrays stack_per_epoch(const std::vector<ScoreArrays>& epochs) {
  ScoreArrays out;
  if (epochs.empty()) return out;
  std::set<std::string> per_epoch;
  for (const auto& item : scorers()) {
    for (const ScoreOutput& output : item.second->outputs()) {
      if (output.per_epoch) per_epoch.insert(output.path);
    }
  }
  const auto count = static_cast<std::int64_t>(epochs.size());
  for (const std::string& path : per_epoch) {
    if (!epochs.front().count(path)) continue;
    const ArrayData& first = epochs.front().at(path);
    std::vector<double> values;
    for (const ScoreArrays& epoch : epochs) {
      const std::vector<double> v = epoch.at(path).as_doubles();
      values.insert(values.end(), v.begin(), v.end());
    }
    if (first.shape.empty()) {
      out[per_epoch_path(path)] = ArrayData::vector(values, "epoch");
    } else {
      std::vector<std::int64_t> shape = {count};
      shape.insert(shape.end(), first.shape.begin(), first.shape.end());
      out[per_epoch_path(path)] = ArrayData{shape, "epoch," + first.axes, values};
    }
  }
  return out;
}

}  // namespace ufm
