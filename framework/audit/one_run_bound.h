#pragma once
/// The test and ε lower bound of a one-run audit (Steinke, Nasr, Jagielski 2023, "Privacy
/// auditing with one (1) training run", NeurIPS): m canaries, each included independently
/// with probability ½; the auditor guesses for r of them and gets v right. Torch-free.
#include <cstdint>

namespace ufm {

/// P(at least v correct | the mechanism is (ε, δ)-DP), the p-value of the null "(ε, δ)-DP"
/// (Steinke et al. 2023, Thm. 3.1 for δ = 0 and its approximate-DP form, Prop. 5.7 with
/// the numerical recipe of their Appendix): with p = e^ε/(1 + e^ε) and f(u) = P(Bin(r, p) ≥ u),
///   P(W ≥ v) ≤ f(v) + 2mδ · max_{1≤i≤v} (f(v − i) − f(v))/i,
/// clamped to [0, 1]. At ε = δ = 0 this is the exact binomial test of "no memorisation",
/// P(Bin(r, ½) ≥ v). RuntimeError unless 0 ≤ v ≤ r ≤ m, ε ≥ 0 and δ ∈ [0, 1].
double one_run_p_value(std::int64_t canaries, std::int64_t guesses, std::int64_t correct, double epsilon,
                       double delta);

/// The largest ε at which one_run_p_value stays below 1 − confidence (the ε the audit shows
/// with that confidence; the p-value grows with ε), 0 when even ε = 0 is not rejected.
/// Bisection to 1e-9 absolute. RuntimeError as one_run_p_value, or confidence outside (0, 1).
double one_run_epsilon_lower_bound(std::int64_t canaries, std::int64_t guesses, std::int64_t correct, double delta,
                                   double confidence = 0.95);

}  // namespace ufm
