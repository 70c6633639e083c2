#pragma once
/// A privacy profile δ(ε) — the smallest δ for which a mechanism is (ε, δ)-DP, falling in ε —
/// read the other way: the ε a δ allows. Shared by the accountants (RDP, PLD, GDP).
#include <functional>
#include <vector>

namespace ufm {

/// The smallest ε ≥ 0 with profile(ε) ≤ δ, by bisection to 1e-12 relative; +∞ when none
/// below 1e4.
double smallest_epsilon(const std::function<double(double)>& profile, double delta);

/// The grid a stored profile is tabulated on: ε = 0, 0.05, …, 30.
std::vector<double> profile_epsilon_grid();

}  // namespace ufm
