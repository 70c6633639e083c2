#include "scoring/patch_draws.h"

#include "core/error.h"
#include "evaluation/probes.h"
#include "storage/schema.h"

namespace ufm {
namespace {

class PatchDrawsScorer final : public Scorer {
 public:
  std::vector<ScoreOutput> outputs() const override {
    return {{schema::kScoreMDraws, "draw", "draw,label", false, "label-known M on every patch draw (draw 0 first)",
             "evaluation.patch_draws > 1"}};
  }
  bool probes_only() const override { return false; }
  ScoreResult score(const ScoringContext& context) const override {
    if (context.draws == nullptr || context.draws->size() < 2) return {};
    UFM_CHECK(context.model != nullptr, RuntimeError, "patch_draws: the scoring context has no model");
    return {{schema::kScoreMDraws,
             m_draws_output(context, m_per_draw(*context.model, *context.draws, context.batch_size,
                                                context.memorisation()))}};
  }
};

}  // namespace

ArrayData m_draws_output(const ScoringContext& context, const std::vector<std::vector<LabelKnownScore>>& draws) {
  const auto count = static_cast<std::int64_t>(draws.size());
  std::vector<double> values;
  if (!context.is_control()) {
    for (const auto& d : draws) values.push_back(d.at(static_cast<std::size_t>(context.canary_label())).m);
    return ArrayData::vector(values, "draw");
  }
  for (const auto& d : draws) {
    for (const auto& l : d) values.push_back(l.m);
  }
  return ArrayData{{count, static_cast<std::int64_t>(draws.front().size())}, "draw,label", values};
}

std::shared_ptr<const Scorer> make_patch_draws_scorer() { return std::make_shared<PatchDrawsScorer>(); }

}  // namespace ufm
