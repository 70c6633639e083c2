#include "scoring/authors_scores.h"

#include "storage/schema.h"

namespace ufm {
namespace {

class LabelKnownScorer final : public Scorer {
 public:
  std::vector<ScoreOutput> outputs() const override {
    return {
        {schema::kScoreM, "", "label", true, "M = mean over S_y of KL(q‖p^r) − KL(q‖p^u), q = onehot(y)"},
        {schema::kScoreMTtestP, "", "label", true, "the authors' one-sided paired t-test p of M (per model)"},
        {schema::kScoreMMannWhitneyP, "", "label", true, "the authors' one-sided Mann–Whitney p of M (per model)"},
        {schema::kScoreMImages, "", "label", false, "probe images in S_y (OOD label = y)"},
    };
  }
  ScoreResult score(const ScoringContext& context) const override {
    const std::vector<LabelKnownScore>& per_label = context.memorisation().per_label;
    ScoreArrays out;
    // A canary stores M for its own label (shared/results.md, "Controls serve labels").
    out[schema::kScoreM] = label_output(context, per_label, [](const LabelKnownScore& s) { return s.m; });
    out[schema::kScoreMTtestP] = label_output(context, per_label, [](const LabelKnownScore& s) { return s.ttest_p; });
    out[schema::kScoreMMannWhitneyP] =
        label_output(context, per_label, [](const LabelKnownScore& s) { return s.mannwhitney_p; });
    out[schema::kScoreMImages] = label_output(context, per_label, [](const LabelKnownScore& s) { return s.images; });
    return out;
  }
};

class LabelUnknownScorer final : public Scorer {
 public:
  std::vector<ScoreOutput> outputs() const override {
    return {
        {schema::kScoreM14, "", "", true, "M over all images with the label guessed from p^u − p^c (M14)"},
        {schema::kScoreM14Label, "", "", false, "the class M14 guessed"},
        {schema::kScoreM15, "", "", true, "M over all images with the label guessed from p^u − p^r (M15)"},
        {schema::kScoreM15Label, "", "", false, "the class M15 guessed"},
    };
  }
  ScoreResult score(const ScoringContext& context) const override {
    const MemorisationScores& scores = context.memorisation();
    return {{schema::kScoreM14, ArrayData::scalar(scores.m14)},
            {schema::kScoreM14Label, ArrayData::integer(scores.m14_label)},
            {schema::kScoreM15, ArrayData::scalar(scores.m15)},
            {schema::kScoreM15Label, ArrayData::integer(scores.m15_label)}};
  }
};

class NoLabelScorer final : public Scorer {
 public:
  std::vector<ScoreOutput> outputs() const override {
    return {{schema::kScoreM2, "", "", true, "M2 = mean KL(p^c‖p^u) − mean KL(p^c‖p^r) over all images"}};
  }
  ScoreResult score(const ScoringContext& context) const override {
    return {{schema::kScoreM2, ArrayData::scalar(context.memorisation().m2)}};
  }
};

class EntropyScorer final : public Scorer {
 public:
  std::vector<ScoreOutput> outputs() const override {
    return {
        {schema::kEntropyClean, "", "", false, "mean entropy (nats) of p^c"},
        {schema::kEntropyFeature, "", "", false, "mean entropy (nats) of p^u"},
        {schema::kEntropyRandom, "", "", false, "mean entropy (nats) of p^r"},
        {schema::kKlFeatureRandom, "", "", false, "mean KL(p^u‖p^r)"},
    };
  }
  ScoreResult score(const ScoringContext& context) const override {
    const MemorisationScores& scores = context.memorisation();
    return {{schema::kEntropyClean, ArrayData::scalar(scores.entropy_clean)},
            {schema::kEntropyFeature, ArrayData::scalar(scores.entropy_feature)},
            {schema::kEntropyRandom, ArrayData::scalar(scores.entropy_random)},
            {schema::kKlFeatureRandom, ArrayData::scalar(scores.kl_feature_random)}};
  }
};

}  // namespace

std::shared_ptr<const Scorer> make_label_known_scorer() { return std::make_shared<LabelKnownScorer>(); }
std::shared_ptr<const Scorer> make_label_unknown_scorer() { return std::make_shared<LabelUnknownScorer>(); }
std::shared_ptr<const Scorer> make_no_label_scorer() { return std::make_shared<NoLabelScorer>(); }
std::shared_ptr<const Scorer> make_entropy_scorer() { return std::make_shared<EntropyScorer>(); }

}  // namespace ufm
