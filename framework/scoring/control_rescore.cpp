#include "scoring/control_rescore.h"

#include "core/error.h"
#include "evaluation/probes.h"
#include "scoring/patch_draws.h"
#include "storage/schema.h"

namespace ufm {
namespace {

class ControlRescoreScorer final : public Scorer {
 public:
  std::vector<ScoreOutput> outputs() const override {
    return {{schema::kScoreMControl, "", "", false, "label-known M of the canary's control on the canary's probes"},
            {schema::kScoreMDrawsControl, "draw", "", false, "the control's M on every patch draw",
             "evaluation.patch_draws > 1"}};
  }
  bool probes_only() const override { return false; }
  ScoreResult score(const ScoringContext& context) const override {
    if (context.control_model == nullptr) return {};
    UFM_CHECK(context.draws != nullptr && !context.draws->empty() && !context.is_control(), RuntimeError,
              "control_rescore: the scoring context has no probe inputs, or is a control's");
    Classifier& control = *context.control_model;
    const MemorisationScores scores = score_model(control, context.draws->front(), context.batch_size);
    ScoreResult result;
    result.arrays[schema::kScoreMControl] =
        ArrayData::scalar(scores.per_label.at(static_cast<std::size_t>(context.canary_label())).m);
    if (context.draws->size() > 1) {
      result.arrays[schema::kScoreMDrawsControl] =
          m_draws_output(context, m_per_draw(control, *context.draws, context.batch_size, scores));
    }
    return result;
  }
};

}  // namespace

std::shared_ptr<const Scorer> make_control_rescore_scorer() { return std::make_shared<ControlRescoreScorer>(); }

}  // namespace ufm
