#pragma once
/// One registered way of scoring a trained model (docs/architecture.md, "Scorers"). A scorer
/// declares its outputs — path, axes on a canary and on a control, whether a per-epoch form
/// is stored — and returns exactly those arrays. The run stores what scorers return; the
/// per-epoch form of an output is the same path under scores_per_epoch/ with a leading
/// "epoch" axis, made by the pipeline, not by the scorer (scoring/scorer_registry.h).
#include <ATen/Tensor.h>

#include <cstdint>
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
};

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

 private:
  ProbeOutputs probes_;  // views: copying them copies no probe data
  std::int64_t label_;
  mutable std::optional<MemorisationScores> memorisation_;
};

using ScoreArrays = std::map<std::string, ArrayData>;

class Scorer {
 public:
  virtual ~Scorer() = default;
  virtual std::vector<ScoreOutput> outputs() const = 0;
  /// True when the scorer reads only the probe outputs (so it can also run after every epoch).
  virtual bool probes_only() const { return true; }
  /// The declared outputs, for a canary or a control as `context` says.
  virtual ScoreArrays score(const ScoringContext& context) const = 0;
};

/// An int64 scalar array.
ArrayData int_output(std::int64_t value);

/// A per-label output as ScoreOutput declares it ("" on a canary, "label" on a control): the
/// canary's own label's `get(score)` as a scalar, or every label's as axis "label". `get`
/// returns a double or an int64 (stored as int64).
template <typename Score, typename Get>
ArrayData label_output(const ScoringContext& context, const std::vector<Score>& per_label, Get get) {
  using Value = decltype(get(per_label.front()));
  if (!context.is_control()) {
    const Value own = get(per_label.at(static_cast<std::size_t>(context.canary_label())));
    if constexpr (std::is_integral_v<Value>) {
      return int_output(static_cast<std::int64_t>(own));
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
