#pragma once
/// The follow-up (2023) probability score as a scorer, "probability" (science.md, "Follow-up
/// (2023) score"; Hartley, Sanchez, Haider, Tsaftaris, Sci. Rep. 13:21366, 2023):
///   M_prob(y) = mean over S_y of p^u_i(y) − p^c_i(y), S_y = probe images whose OOD label is y,
/// with the one-sided paired t-test of p^u(y) against p^c(y) (H1: the feature raises the
/// probability of y). Label unknown: the class of largest M_prob, its t-test p multiplied by
/// the K classes (Bonferroni). Also the per-image label guesses argmax p^u_i,
/// argmax (p^u_i − p^c_i) and argmax (p^u_i − p^r_i). Both p-values are per-model tests over
/// probe images, the design the calibration run found invalid for the authors' t-test: they
/// are reported as "not calibrated" until a calibration run measures them.
#include <cstdint>
#include <memory>

#include "scoring/scorer.h"

namespace ufm {

/// M_prob(label) and its one-sided paired t-test p; NaN for both when no probe image has the label.
struct ProbabilityScore {
  double m_prob = 0.0;
  double p_value = 1.0;
  std::int64_t images = 0;
};
ProbabilityScore probability_score(const ProbeOutputs& probes, std::int64_t label);

std::shared_ptr<const Scorer> make_probability_scorer();

}  // namespace ufm
