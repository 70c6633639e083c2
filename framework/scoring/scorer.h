#pragma once
/// One registered way of scoring a trained model (docs/architecture.md, "Scorers"). A scorer
/// declares its outputs — path, axes on a canary and on a control, whether a per-epoch form
/// is stored — and returns exactly those arrays. The run stores what scorers return; the
/// per-epoch form of an output is the same path under scores_per_epoch/ with a leading
/// "epoch" axis, made by the pipeline, not by the scorer (scoring/scorer_registry.h).
#include <ATen/Tensor.h>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "evaluation/scores.h"
#include "storage/run_record.h"

namespace ufm {

class Classifier;

/// One declared output of a scorer.
struct ScoreOutput {
  std::string path;          ///< relative to the run ("scores/M_prob"); a schema.h constant
  std::string canary_axes;   ///< axes on a canary ("" = scalar)
  std::string control_axes;  ///< axes on a control ("label" where it serves every canary label)
  bool per_epoch = false;    ///< also stored after every epoch (evaluation.per_epoch)
  std::string description;
  /// When the output is written, in words ("evaluation.patch_draws > 1"); "" = whenever the
  /// scorer runs. The registry checks that an output without a condition is always returned.
  std::string when = {};
};

struct ProbeInputs;
struct ExposureInputs;   // scoring/exposure_scorer.h
struct InfluenceInputs;  // scoring/self_influence_scorer.h

/// What a scorer may read. Probe outputs are the model's softmax on the run's three probes
/// (patch draw 0); the model and test set are there for scorers that need more.
class ScoringContext {
 public:
  ScoringContext(const ProbeOutputs& probes, std::int64_t canary_label) : probes_(probes), label_(canary_label) {}

  const ProbeOutputs& probes() const { return probes_; }
  /// The canary's training label; −1 on a control (per-label outputs cover every class).
  std::int64_t canary_label() const { return label_; }
  bool is_control() const { return label_ < 0; }
  /// The authors' scores of these probes, computed once however many scorers read them.
  const MemorisationScores& memorisation() const;

  /// The trained model and the test split (null where a scorer runs on probes alone, e.g.
  /// after every epoch).
  Classifier* model = nullptr;
  const at::Tensor* test_images = nullptr;
  const at::Tensor* test_labels = nullptr;
  // What the run provides beyond the probe outputs; a scorer whose input is absent returns
  // nothing, so which scores a run stores is decided where the inputs are (runs/), not here.
  /// The run's probe inputs, one per patch draw (draw 0 first), and the probe batch size.
  const std::vector<ProbeInputs>* draws = nullptr;
  std::int64_t batch_size = 256;
  /// The canary's separately trained control (independent pairing), re-scored on this
  /// canary's feature and patch draws so the paired comparison stays exact.
  Classifier* control_model = nullptr;
  /// Candidate patterns for exposure (evaluation.exposure, on a canary).
  const ExposureInputs* exposure = nullptr;
  /// Checkpoints and training set for self-influence (influence.*).
  const InfluenceInputs* influence = nullptr;

 private:
  ProbeOutputs probes_;  // views: copying them copies no probe data
  std::int64_t label_;
  mutable std::optional<MemorisationScores> memorisation_;
};

using ScoreArrays = std::map<std::string, ArrayData>;

/// What a scorer returns: its declared arrays, run-level facts it measured (timings, which
/// code path ran; stored as attributes, never compared as results), and values later stages
/// of the same run read but nothing stores.
struct ScoreResult {
  ScoreResult() = default;
  ScoreResult(ScoreArrays arrays_) : arrays(std::move(arrays_)) {}  // NOLINT: a scorer may return its arrays
  ScoreResult(std::initializer_list<ScoreArrays::value_type> list) : arrays(list) {}
  ScoreArrays arrays;
  std::map<std::string, AttributeValue> attributes;
  std::map<std::string, std::vector<double>> kept;
};

class Scorer {
 public:
  virtual ~Scorer() = default;
  virtual std::vector<ScoreOutput> outputs() const = 0;
  /// True when the scorer reads only the probe outputs (so it can also run after every epoch).
  virtual bool probes_only() const { return true; }
  /// The declared outputs, for a canary or a control as `context` says.
  virtual ScoreResult score(const ScoringContext& context) const = 0;
};

/// A per-label output as ScoreOutput declares it ("" on a canary, "label" on a control): the
/// canary's own label's `get(score)` as a scalar, or every label's as axis "label". `get`
/// returns a double or an int64 (stored as int64).
template <typename Score, typename Get>
ArrayData label_output(const ScoringContext& context, const std::vector<Score>& per_label, Get get) {
  using Value = decltype(get(per_label.front()));
  if (!context.is_control()) {
    const Value own = get(per_label.at(static_cast<std::size_t>(context.canary_label())));
    if constexpr (std::is_integral_v<Value>) {
      return ArrayData::integer(static_cast<std::int64_t>(own));
    } else {
      return ArrayData::scalar(static_cast<double>(own));
    }
  }
  const std::vector<std::int64_t> shape = {static_cast<std::int64_t>(per_label.size())};
  if constexpr (std::is_integral_v<Value>) {
    std::vector<std::int64_t> values;
    for (const Score& score : per_label) values.push_back(static_cast<std::int64_t>(get(score)));
    return ArrayData{shape, "label", values};
  } else {
    std::vector<double> values;
    for (const Score& score : per_label) values.push_back(static_cast<double>(get(score)));
    return ArrayData{shape, "label", values};
  }
}

}  // namespace ufm
