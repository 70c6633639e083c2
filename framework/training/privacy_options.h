#pragma once
/// YAML block `privacy`: differentially private training, DP-SGD (Abadi et al. 2016,
/// "Deep learning with differential privacy", CCS, Algorithm 1): each example's gradient
/// clipped to L2 norm clip_norm, the clipped gradients summed, Gaussian noise
/// N(0, σ²·clip_norm²) added to the sum, divided by the expected batch size
/// train.batch_size; the optimiser that consumes it is post-processing.
/// ../shared/privacy.md summarises the background.
#include <cstdint>
#include <string>
#include <vector>

#include "core/option_table.h"

namespace ufm {

/// privacy.sampling: "poisson", "shuffled".
enum class Sampling { kPoisson, kShuffled };
const std::vector<std::string>& option_names(Sampling);
/// privacy.neighbouring: "replace", "add_remove".
enum class Neighbouring { kReplace, kAddRemove };
const std::vector<std::string>& option_names(Neighbouring);
/// privacy.target: "none", "epsilon", "mu", "attack", "advantage".
enum class NoiseTarget { kNone, kEpsilon, kMu, kAttack, kAdvantage };
const std::vector<std::string>& option_names(NoiseTarget);
/// privacy.references: "own_noise", "shared_noise".
enum class PrivateReferences { kOwnNoise, kSharedNoise };
const std::vector<std::string>& option_names(PrivateReferences);

struct PrivacyOptions {
  bool enabled = false;
  /// σ: the noise's standard deviation in units of clip_norm.
  double noise_multiplier = 1.0;
  /// C: the L2 norm each example's gradient is clipped to.
  double clip_norm = 1.0;
  /// poisson: each example joins each step's batch with probability q = train.batch_size / N
  /// (what the accountant assumes); shuffled: the fixed-size batches of train.shuffle, for
  /// which no accounted ε or μ is a guarantee.
  Sampling sampling = Sampling::kPoisson;
  /// Which neighbouring datasets the guarantee is stated for: replace (one example swapped
  /// for another: what stamping a feature onto an image is) or add_remove.
  Neighbouring neighbouring = Neighbouring::kReplace;
  /// δ of the (ε, δ) statements.
  double delta = 1e-5;
  /// The references of memorisation verdicts under DP: own_noise (a control shares its
  /// canary's initialisation but draws its own Poisson masks, dropout and noise, so the
  /// comparison measures what DP leaves) or shared_noise (the seed-paired control of
  /// non-private runs: it shares the canary's noise, which then cancels, so it would detect
  /// the feature at any σ).
  PrivateReferences references = PrivateReferences::kOwnNoise;
  /// Set by planning in run configs: 0 = the run draws batches, masks, dropout and noise
  /// from its initialisation's stream (train.seed); k > 0 = from stream k of train.seed
  /// after initialisation (an own-noise reference).
  std::int64_t draw_stream = 0;

  /// Noise calibrated to a target instead of a given noise_multiplier (Kulynych et al.
  /// 2024, "Attack-aware noise calibration for differential privacy"): none | epsilon (ε at
  /// delta) | mu (μ-GDP) | attack (the highest TPR of a membership test at attack_fpr) |
  /// advantage (the highest TPR − FPR). ufm solves for the smallest σ that meets it.
  NoiseTarget target = NoiseTarget::kNone;
  double target_epsilon = 1.0;
  double target_mu = 1.0;
  double attack_tpr = 0.5;
  double attack_fpr = 0.01;
  double target_advantage = 0.2;

  bool poisson() const { return sampling == Sampling::kPoisson; }

  /// Declared once (core/option_table.h): key, default, allowed values, description. Every
  /// key is declared late: a run without private training keeps the identity it had
  /// before this block existed.
  static const OptionTable<PrivacyOptions>& options();
  static constexpr const char* kBlock = "privacy";
  void validate() const;
};

}  // namespace ufm
