#include "scoring/self_influence_scorer.h"

#include "core/error.h"
#include "core/stopwatch.h"
#include "influence/selection.h"
#include "influence/self_influence.h"
#include "storage/schema.h"

namespace ufm {
namespace {

class SelfInfluenceScorer final : public Scorer {
 public:
  std::vector<ScoreOutput> outputs() const override {
    return {{schema::kSelfInfluence, "example", "example", false,
             "TracIn self-influence of every training image over the chosen checkpoints"},
            {schema::kConfidence, "example", "example", false, "top-1 softmax confidence of the final model"},
            {schema::kCheckpointEpochs, "checkpoint", "checkpoint", false, "1-based epochs of the checkpoints"}};
  }
  bool probes_only() const override { return false; }

  ScoreResult score(const ScoringContext& context) const override {
    if (context.influence == nullptr) return {};
    const InfluenceInputs& in = *context.influence;
    UFM_CHECK(context.model != nullptr && in.checkpoints != nullptr && in.train_loss != nullptr &&
                  in.options != nullptr && in.train_images != nullptr && in.train_labels != nullptr &&
                  (in.canary_index < 0 || in.stamped != nullptr),
              RuntimeError, "self_influence: the scoring context lacks the model, checkpoints or training set");
    Classifier& model = *context.model;
    const Stopwatch start;
    const std::vector<std::int64_t> epochs = choose_checkpoint_epochs(*in.train_loss, *in.options);
    const std::vector<Checkpoint> chosen = checkpoints_at(*in.checkpoints, epochs);
    const at::Tensor& labels = *in.train_labels;
    const std::int64_t batch = in.options->batch_size;
    at::Tensor influence = self_influence_over_checkpoints(model, chosen, *in.train_images, labels, batch);
    at::Tensor confidence = top1_confidence(model, *in.train_images, batch);
    if (in.canary_index >= 0) {
      const at::Tensor image = in.stamped->unsqueeze(0);
      influence.narrow(0, in.canary_index, 1)
          .copy_(self_influence_over_checkpoints(model, chosen, image, labels.narrow(0, in.canary_index, 1), 1));
      confidence.narrow(0, in.canary_index, 1).copy_(top1_confidence(model, image, 1));
    }
    const std::vector<double> values = to_vector(influence);
    ScoreResult result;
    result.arrays[schema::kSelfInfluence] = ArrayData::vector(values, "example");
    result.arrays[schema::kConfidence] = ArrayData::vector(to_vector(confidence), "example");
    result.arrays[schema::kCheckpointEpochs] =
        ArrayData{{static_cast<std::int64_t>(epochs.size())}, "checkpoint", epochs};
    if (in.canary_index >= 0) result.attributes[schema::kSelfInfluenceRankAfter] = rank_of(values, in.canary_index);
    result.attributes[schema::kInfluenceSecondsAttribute] =
        start.seconds();
    return result;
  }
};

}  // namespace

std::shared_ptr<const Scorer> make_self_influence_scorer() { return std::make_shared<SelfInfluenceScorer>(); }

}  // namespace ufm
