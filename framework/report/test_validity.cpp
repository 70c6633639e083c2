#include "report/test_validity.h"

#include <cmath>

#include "features/canary_selection.h"
#include "core/text.h"
#include "report/settings.h"
#include "storage/schema.h"

namespace ufm {

const char* const kAuthorsTTest = "M t-test (authors)";
const char* const kAuthorsMannWhitney = "M Mann-Whitney (authors)";
const char* const kProbabilityTTest = "M_prob t-test (2023)";
const char* const kProbabilityUnknownTTest = "M_prob t-test, label unknown (2023, Bonferroni)";
const char* const kNoVerdictForSharedControl =
    "no calibrated verdict for this design (one shared control); for paired verdicts run with "
    "canaries.pairing=independent (sign / Wilcoxon of M − control), and add feature.pattern=random "
    "evaluation.exposure=true for exposure verdicts";
const char* const kDependentCanaries = "not valid (one shared control: dependent canaries)";

CalibrationState calibration_state(double lower, double upper, double alpha) {
  if (lower > alpha) return CalibrationState::kNotCalibrated;
  if (upper < alpha) return CalibrationState::kConservative;
  return CalibrationState::kNoExcessDetected;
}

std::string calibration_phrase(const Calibration& c, std::size_t a) {
  if (!c.descriptive.empty()) return "descriptive: " + c.descriptive;
  if (a >= c.rates.size() || std::isnan(c.rates[a])) return "not measured (no null pairs store it)";
  const std::string pairs =
      std::to_string(c.pairs) + " " + (c.pairs == 1 && c.unit == "null pairs" ? std::string("null pair") : c.unit);
  const std::string rate = "FPR " + format_number(c.rates[a], 3) + " [" + format_number(c.lower[a], 3) + ", " +
                           format_number(c.upper[a], 3) + "] at " + format_number(c.alphas[a], 3);
  switch (calibration_state(c.lower[a], c.upper[a], c.alphas[a])) {
    case CalibrationState::kNotCalibrated: return "not calibrated (" + rate + ", " + pairs + ")";
    case CalibrationState::kConservative: return "conservative (" + rate + ", " + pairs + ")";
    case CalibrationState::kNoExcessDetected: break;
  }
  return "no excess false positives detected (" + pairs + "; up to " + format_number(c.upper[a], 3) +
         " not excluded)";
}

const Calibration* CalibrationEvidence::find(const std::string& name) const {
  for (const Calibration& c : tests) {
    if (c.test == name) return &c;
  }
  for (const Calibration& c : tests) {
    if (c.test.rfind(name + ",", 0) == 0 || c.test.rfind(name + " (", 0) == 0) return &c;
  }
  return nullptr;
}

std::string calibration_mark(const std::string& test, const CalibrationEvidence* evidence,
                             const std::string& unmeasured) {
  const Calibration* c = evidence == nullptr ? nullptr : evidence->find(test);
  if (c == nullptr) return unmeasured;
  return calibration_phrase(*c) + " — " + evidence->source;
}

bool shared_pairing(const RunRecord& canary) {
  return setting_value(canary, "canaries.pairing").value_or(kPairingShared) != kPairingIndependent;
}

bool is_null_pair(const RunRecord& canary) { return setting_value(canary, "feature.decoy").value_or("") == "true"; }

std::string exposure_descriptive_reason(const RunRecord& canary) {
  const std::string pattern = setting_value(canary, "feature.pattern").value_or("A");
  const std::string space = setting_value(canary, "evaluation.candidate_space").value_or("random");
  if (pattern != "random") {
    return "fixed feature (feature.pattern=" + pattern +
           ") is not exchangeable with random candidates, so its exposure p is not a rank test";
  }
  if (space != "random") {
    return "candidate space " + space +
           " is not drawn like the random feature, so its exposure p is not a rank test";
  }
  return "";
}

namespace {

// FNV-1a of `text` through the splitmix64 finaliser: the low bits of FNV-1a alone are poorly mixed.
std::uint64_t mixed_hash(const std::string& text) {
  std::uint64_t hash = fnv1a_64(text);
  hash ^= hash >> 30;
  hash *= 0xbf58476d1ce4e5b9ULL;
  hash ^= hash >> 27;
  hash *= 0x94d049bb133111ebULL;
  hash ^= hash >> 31;
  return hash;
}

}  // namespace

double stouffer_ready_p(const RunRecord& canary, const std::string& path, double p) {
  const double candidates = scalar_or_nan(canary, schema::kExposureCandidates);
  if (std::isnan(p) || std::isnan(candidates) || candidates < 1) return p;
  // Only a rank p-value r/(C+1), r = 1..C+1, is randomised within its cell.
  const double rank = p * (candidates + 1.0);
  if (std::abs(rank - std::round(rank)) > 1e-6 * (candidates + 1.0) || std::round(rank) < 1.0) return p;
  // U in (0, 1): 53 random bits, offset by half a step so it is never 0 or 1.
  const double u = (static_cast<double>(mixed_hash(canary.identity + "|" + path) >> 11) + 0.5) * 0x1.0p-53;
  return p - u / (candidates + 1.0);
}

}  // namespace ufm
