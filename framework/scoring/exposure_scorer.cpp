#include "scoring/exposure_scorer.h"

#include <cmath>

#include "core/error.h"
#include "core/stopwatch.h"
#include "storage/schema.h"

namespace ufm {
namespace {

constexpr const char* kWithControl = "on a canary with its own control";
constexpr const char* kSaved = "evaluation.save_candidate_scores";
constexpr const char* kSavedWithControl = "evaluation.save_candidate_scores, with its own control";

std::vector<ScoreOutput> ranking(const std::string& prefix, const std::string& what, const std::string& when) {
  return {{prefix, "", "", false, "exposure in bits, log2(C + 1) − log2(rank), of the feature by " + what, when},
          {prefix + schema::kExposureRankSuffix, "", "", false, "rank of the feature: " + what, when},
          {prefix + schema::kExposurePSuffix, "", "", false, "rank / (candidates + 1): " + what, when}};
}

class ExposureScorer final : public Scorer {
 public:
  std::vector<ScoreOutput> outputs() const override {
    std::vector<ScoreOutput> out;
    auto add = [&out](std::vector<ScoreOutput> more) { out.insert(out.end(), more.begin(), more.end()); };
    add(ranking(schema::kExposure, "s(π) with the canary's label", ""));
    add(ranking(schema::kExposureUnknown, "s(π) at the label guessed per pattern", ""));
    add(ranking(schema::kExposureVsControl, "d(π) = s_canary − s_control", kWithControl));
    add(ranking(schema::kExposureControl, "the control's s(π)", kWithControl));
    add(ranking(schema::kExposureVsControlUnknown, "d(π) at the label guessed on the canary", kWithControl));
    add({{schema::kExposureCandidates, "", "", false, "number of candidate patterns C", ""},
         {schema::kExposureImages, "", "", false, "probe images of the canary's label", ""},
         {schema::kExposureUnknownImages, "", "", false, "probe images of the label-unknown exposure", ""},
         {schema::kExposureUnknownLabel, "", "", false, "class guessed for the feature (label unknown)", ""},
         {schema::kCandidateScores, "candidate", "", false, "s(π) of the feature then each candidate", kSaved},
         {schema::kCandidateScoresUnknown, "candidate", "", false, "label-unknown s(π) of each pattern", kSaved},
         {schema::kCandidateScoresControl, "candidate", "", false, "the control's s(π) of each pattern",
          kSavedWithControl},
         {schema::kCandidateScoresUnknownControl, "candidate", "", false,
          "the control's s(π) at the class guessed on the canary", kSavedWithControl}});
    return out;
  }
  bool probes_only() const override { return false; }

  ScoreResult score(const ScoringContext& context) const override {
    if (context.exposure == nullptr) return {};
    const ExposureInputs& in = *context.exposure;
    UFM_CHECK(context.model != nullptr && in.patterns != nullptr && in.ood_images != nullptr &&
                  in.ood_labels != nullptr && !context.is_control(),
              RuntimeError, "exposure: the scoring context has no model, patterns or OOD images, or is a control's");
    const std::vector<Pattern>& patterns = *in.patterns;
    const std::int64_t label = context.canary_label();
    ScoreResult result;
    ScoreArrays& arrays = result.arrays;
    const Stopwatch start;
    const CandidateScores own =
        score_candidates(*context.model, *in.ood_images, *in.ood_labels, label, patterns, in.stamp, in.probe_limit);
    result.attributes[schema::kExposureFastPathAttribute] = static_cast<std::int64_t>(own.known_means.fast ? 1 : 0);
    arrays[schema::kExposureCandidates] = ArrayData::integer(static_cast<std::int64_t>(patterns.size() - 1));
    arrays[schema::kExposureImages] = ArrayData::integer(own.known_images);
    arrays[schema::kExposureUnknownImages] = ArrayData::integer(own.unknown_images);
    add_exposure_rank(arrays, schema::kExposure, rank_first(own.known));
    add_exposure_rank(arrays, schema::kExposureUnknown, rank_first(own.unknown));
    arrays[schema::kExposureUnknownLabel] = ArrayData::integer(own.unknown_label.front());
    if (in.save_candidate_scores) {
      arrays[schema::kCandidateScores] = ArrayData::vector(own.known, "candidate");
      arrays[schema::kCandidateScoresUnknown] = ArrayData::vector(own.unknown, "candidate");
    }
    result.attributes[schema::kExposureSecondsAttribute] = start.seconds();
    result.kept[kKeptExposureScores] = own.known;
    if (context.control_model == nullptr) return result;

    const Stopwatch control_start;
    const CandidateScores other = score_candidates(*context.control_model, *in.ood_images, *in.ood_labels, label,
                                                   patterns, in.stamp, in.probe_limit);
    // Label unknown: the control is read at the class guessed on the canary for each pattern.
    std::vector<double> control_unknown;
    for (std::size_t i = 0; i < patterns.size(); ++i) {
      control_unknown.push_back(own.unknown_images > 0
                                    ? other.unknown_means.log_prob(static_cast<std::int64_t>(i), own.unknown_label[i])
                                    : std::nan(""));
    }
    add_exposure_rank(arrays, schema::kExposureVsControl, rank_first(difference(own.known, other.known)));
    add_exposure_rank(arrays, schema::kExposureControl, rank_first(other.known));
    add_exposure_rank(arrays, schema::kExposureVsControlUnknown, rank_first(difference(own.unknown, control_unknown)));
    if (in.save_candidate_scores) {
      arrays[schema::kCandidateScoresControl] = ArrayData::vector(other.known, "candidate");
      arrays[schema::kCandidateScoresUnknownControl] = ArrayData::vector(control_unknown, "candidate");
    }
    result.attributes[schema::kExposureControlSecondsAttribute] = control_start.seconds();
    return result;
  }
};

}  // namespace

void add_exposure_rank(ScoreArrays& arrays, const std::string& prefix, const ExposureRank& rank) {
  arrays[prefix] = ArrayData::scalar(rank.exposure);
  arrays[prefix + schema::kExposureRankSuffix] = ArrayData::integer(rank.rank);
  arrays[prefix + schema::kExposurePSuffix] = ArrayData::scalar(rank.p_value);
}

std::shared_ptr<const Scorer> make_exposure_scorer() { return std::make_shared<ExposureScorer>(); }

}  // namespace ufm
