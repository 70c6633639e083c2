#include "scoring/test_accuracy.h"

#include "core/error.h"
#include "storage/schema.h"
#include "training/trainer.h"

namespace ufm {
namespace {

class TestAccuracyScorer final : public Scorer {
 public:
  std::vector<ScoreOutput> outputs() const override {
    return {{schema::kTestAccuracy, "", "", false, "accuracy of the kept (best) model on the test split"}};
  }
  bool probes_only() const override { return false; }
  ScoreResult score(const ScoringContext& context) const override {
    UFM_CHECK(context.model != nullptr && context.test_images != nullptr && context.test_labels != nullptr,
              RuntimeError, "test_accuracy: the scoring context has no model or test split");
    const EvaluationResult test = evaluate(*context.model, *context.test_images, *context.test_labels);
    return {{schema::kTestAccuracy, ArrayData::scalar(test.accuracy)}};
  }
};

}  // namespace

std::shared_ptr<const Scorer> make_test_accuracy_scorer() { return std::make_shared<TestAccuracyScorer>(); }

}  // namespace ufm
