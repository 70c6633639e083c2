#include "runs/run_plan.h"

#include <algorithm>
#include <map>

#include "core/error.h"
#include "core/text.h"
#include "features/canary_selection.h"
#include "influence/selection.h"

namespace ufm {

bool needs_influence(const ExperimentConfig& point) {
  return chosen_by_influence(point.canaries.select) || point.influence.rank_after;
}

std::vector<std::int64_t> select_from_reference(const ExperimentConfig& point, const ReferenceInfluence& reference) {
  const CanarySelect select = point.canaries.select;
  const std::int64_t k = point.influence.k;
  if (select == CanarySelect::kMostInfluential) return select_by_influence(reference.self_influence, k, /*most=*/true);
  if (select == CanarySelect::kLeastInfluential) return select_by_influence(reference.self_influence, k, /*most=*/false);
  if (select == CanarySelect::kHardest) return select_by_influence(reference.confidence, k, /*most=*/false);
  if (select == CanarySelect::kEasiest) return select_by_influence(reference.confidence, k, /*most=*/true);
  return select_canaries(point.canaries, static_cast<std::int64_t>(reference.self_influence.size()));
}

ExperimentConfig run_config(const ExperimentConfig& point, std::int64_t canary_index) {
  ExperimentConfig config = point;
  config.canaries = CanaryOptions{};
  config.canaries.select = CanarySelect::kList;
  config.canaries.count = 0;
  config.canaries.seed = 0;
  config.canaries.controls = false;
  config.canaries.indices.clear();
  // The batch position moves the canary; a control has none to move, so one control
  // serves every position.
  if (canary_index >= 0) {
    config.canaries.indices.push_back(canary_index);
    config.canaries.batch_position = point.canaries.batch_position;
  }
  // The influence block enters a run's identity only where it changes the run's record:
  // the checkpoint rule of a reference control, and rank_after on a canary. How many
  // canaries are drawn (k) and the pass size (batch_size) never do.
  config.influence = InfluenceOptions{};
  if (needs_influence(point)) {
    config.influence.checkpoints = point.influence.checkpoints;
    config.influence.count = point.influence.count;
    config.influence.epochs = point.influence.epochs;
    config.influence.rank_after = canary_index >= 0 && point.influence.rank_after;
  }
  return config;
}

ExperimentConfig pair_run_config(const ExperimentConfig& point, std::int64_t canary_index, std::int64_t pair) {
  ExperimentConfig config = run_config(point, canary_index);
  config.canaries.pairing = point.canaries.pairing;
  config.canaries.pair = pair;
  if (point.canaries.independent_pairs() && pair >= 0) config.train.seed = point.train.seed + static_cast<std::uint64_t>(pair);
  // Under DP a control shares its canary's initialisation but not its noise: a control that
  // shared the noise would cancel exactly what DP adds (issue "DP-SGD as a defence").
  if (canary_index < 0 && point.privacy.enabled && point.privacy.references == PrivateReferences::kOwnNoise) {
    config.privacy.draw_stream = 1;
  }
  return config;
}

std::string run_identity(const ExperimentConfig& config) { return fnv1a_hex(scientific_yaml(config)); }

namespace {

// The unlearning variants of one point (issue "Unlearning the canary"): per pair, reference
// (a) (the control retrained without the forget set), the control unlearned (reference (c))
// and the canary unlearned, both starting from the trained runs, which keep their weights.
template <typename Add, typename Share>
void plan_unlearning(ExperimentPlan& plan, std::size_t p, const UnlearningOptions& unlearning,
                     const std::vector<std::pair<std::size_t, std::size_t>>& pairs, Add& add, Share& share_varying) {
  const std::vector<std::string>& varying = plan.points[p].varying;
  for (const auto& [canary_at, control_at] : pairs) {
    plan.runs[canary_at].keeps_weights = true;
    plan.runs[control_at].keeps_weights = true;
    share_varying(canary_at, varying);
    share_varying(control_at, varying);
    const PlannedRun canary = plan.runs[canary_at];
    const PlannedRun control = plan.runs[control_at];
    UnlearningOptions forget = unlearning;
    forget.forget_index = canary.canary_index;

    std::string retrained;
    if (unlearning.retrain_reference) {
      PlannedRun run;
      run.config = control.config;
      run.config.unlearning = UnlearningOptions{};
      run.config.unlearning.forget_index = canary.canary_index;
      run.config.unlearning.extra_forget = unlearning.extra_forget;
      run.identity = run_identity(run.config);
      run.point = p;
      run.keeps_weights = true;
      const std::size_t at = add(std::move(run));
      share_varying(at, varying);
      retrained = plan.runs[at].identity;
    }
    PlannedRun unlearned_control;
    unlearned_control.config = control.config;
    unlearned_control.config.unlearning = forget;
    unlearned_control.identity = run_identity(unlearned_control.config);
    unlearned_control.point = p;
    unlearned_control.varying = varying;
    unlearned_control.unlearned_from = control.identity;

    PlannedRun unlearned_canary;
    unlearned_canary.config = canary.config;
    unlearned_canary.config.unlearning = forget;
    unlearned_canary.identity = run_identity(unlearned_canary.config);
    unlearned_canary.canary_index = canary.canary_index;
    unlearned_canary.point = p;
    unlearned_canary.varying = varying;
    unlearned_canary.unlearned_from = canary.identity;
    unlearned_canary.control_identity = unlearned_control.identity;
    unlearned_canary.never_seen_identity = control.identity;
    unlearned_canary.retrained_identity = retrained;
    unlearned_control.serves.push_back(unlearned_canary.identity);
    add(std::move(unlearned_control));
    add(std::move(unlearned_canary));
  }
}

}  // namespace

ExperimentPlan plan_experiment(std::vector<SweepPoint> points,
                               const std::function<std::int64_t(const ExperimentConfig&)>& train_size,
                               const ReferenceLookup& reference) {
  ExperimentPlan plan;
  plan.points = std::move(points);
  std::map<std::string, std::size_t> position;  // identity → index in plan.runs
  auto add = [&](PlannedRun run) -> std::size_t {
    auto found = position.find(run.identity);
    if (found != position.end()) return found->second;
    position[run.identity] = plan.runs.size();
    plan.runs.push_back(std::move(run));
    return plan.runs.size() - 1;
  };
  // The trained runs of unlearning points are shared by every unlearning variant of the same
  // training: their varying keys are those all the points that asked for them share.
  std::map<std::string, std::vector<std::string>> shared_varying;
  auto share_varying = [&](std::size_t at, const std::vector<std::string>& varying) {
    auto [found, inserted] = shared_varying.emplace(plan.runs[at].identity, varying);
    if (!inserted) {
      std::vector<std::string> common;
      for (const auto& entry : found->second) {
        if (std::find(varying.begin(), varying.end(), entry) != varying.end()) common.push_back(entry);
      }
      found->second = common;
    }
  };
  for (std::size_t p = 0; p < plan.points.size(); ++p) {
    // An unlearning point trains the point without its unlearning block; the variants
    // (planned after its canaries) start from those trainings.
    const UnlearningOptions unlearning = plan.points[p].config.unlearning;
    ExperimentConfig training_point = plan.points[p].config;
    training_point.unlearning = UnlearningOptions{};
    const ExperimentConfig& point = training_point;
    if (point.canaries.one_run()) {
      // One training holds every canary (features/one_run_draw.h): no control, no pairs.
      UFM_CHECK(point.canaries.count <= train_size(point), ConfigError, "canaries.count: a one-run audit stamps ",
                point.canaries.count, " distinct images but the training set has ", train_size(point));
      PlannedRun run;
      run.config = run_config(point, -1);
      run.config.canaries = point.canaries;
      run.identity = run_identity(run.config);
      run.point = p;
      run.varying = plan.points[p].varying;
      run.stage = 1;
      run.one_run = true;
      add(std::move(run));
      continue;
    }
    const bool influence = needs_influence(point);
    const bool independent = point.canaries.independent_pairs();
    UFM_CHECK(!(influence && independent), ConfigError, "canaries.pairing: independent pairs with canaries.select: ",
              point.canaries.select, " is not supported (the clean reference is one shared control)");
    // A batch-position canary moves its image to another slot, which shifts the order of
    // every image in between: its control moves the same image (unstamped), so the pair
    // still differs by the feature alone. One such control per canary.
    const bool moved = point.canaries.batch_position >= 0;
    auto add_control = [&](std::int64_t pair, std::int64_t moved_index) {
      PlannedRun run;
      run.config = pair_run_config(point, -1, pair);
      if (moved_index >= 0) {
        run.config.canaries.batch_position = point.canaries.batch_position;
        run.config.canaries.control_moves = moved_index;
      }
      run.identity = run_identity(run.config);
      run.point = p;
      run.varying = plan.points[p].varying;
      run.stage = influence ? 1 : 2;
      run.compute_influence = influence;
      const std::size_t at = add(std::move(run));
      // A control shared with a point that does not need influence still serves as this
      // point's reference.
      if (influence) {
        plan.runs[at].stage = 1;
        plan.runs[at].compute_influence = true;
      }
      return at;
    };
    std::vector<std::int64_t> indices;
    std::optional<ReferenceInfluence> clean;
    std::size_t reference_control = static_cast<std::size_t>(-1);
    if (influence) {
      // ExperimentConfig::validate guarantees the control that serves as reference.
      UFM_CHECK(point.canaries.controls, ConfigError, "canaries.select: ", point.canaries.select,
                " needs canaries.controls=true");
      reference_control = add_control(-1, -1);
      if (reference) clean = reference(plan.runs[reference_control]);
      if (!clean) {
        plan.pending_points.push_back(p);
        continue;
      }
      indices = select_from_reference(point, *clean);
    } else {
      indices = select_canaries(point.canaries, train_size(point));
    }
    // Controls first: one shared, or one per pair (same seed as its canary), or one per
    // moved canary image (batch position).
    std::vector<std::size_t> controls;
    const bool per_canary = independent || (moved && !influence);
    if (point.canaries.controls) {
      if (per_canary) {
        for (std::size_t k = 0; k < indices.size(); ++k) {
          controls.push_back(add_control(independent ? static_cast<std::int64_t>(k) : -1, moved ? indices[k] : -1));
        }
      } else {
        controls.push_back(influence ? reference_control : add_control(-1, -1));
      }
    }
    std::vector<std::pair<std::size_t, std::size_t>> pairs;  // (canary, control) positions in plan.runs
    std::map<std::int64_t, std::string> first_with_index;
    for (std::size_t k = 0; k < indices.size(); ++k) {
      const std::int64_t index = indices[k];
      const std::size_t control =
          controls.empty() ? static_cast<std::size_t>(-1) : controls[per_canary ? k : 0];
      PlannedRun run;
      run.config = pair_run_config(point, index, static_cast<std::int64_t>(k));
      run.identity = run_identity(run.config);
      run.canary_index = index;
      run.point = p;
      run.varying = plan.points[p].varying;
      if (clean) {
        UFM_CHECK(index < static_cast<std::int64_t>(clean->self_influence.size()), ConfigError, "canaries: index ",
                  index, " is outside the reference's ", clean->self_influence.size(), " training images");
        run.rank_before = rank_of(clean->self_influence, index);
        if (chosen_by_influence(point.canaries.select)) run.selection_group = option_name(point.canaries.select);
        run.influence_after = point.influence.rank_after;
      }
      const auto first = first_with_index.find(index);
      if (first == first_with_index.end()) {
        first_with_index[index] = run.identity;
      } else {
        run.duplicate_of = first->second;
      }
      const std::size_t at = add(std::move(run));
      if (control != static_cast<std::size_t>(-1)) {
        plan.runs[at].control_identity = plan.runs[control].identity;
        auto& serves = plan.runs[control].serves;
        if (std::find(serves.begin(), serves.end(), plan.runs[at].identity) == serves.end()) {
          serves.push_back(plan.runs[at].identity);
        }
        pairs.emplace_back(at, control);
      }
    }
    if (unlearning.enabled()) {
      for (std::int64_t index : unlearning.extra_forget) {
        UFM_CHECK(index < train_size(point), ConfigError, "unlearning.extra_forget: index ", index,
                  " is outside the training set of ", train_size(point), " images");
      }
      plan_unlearning(plan, p, unlearning, pairs, add, share_varying);
    }
  }
  for (auto& run : plan.runs) {
    const auto found = shared_varying.find(run.identity);
    if (found != shared_varying.end()) run.varying = found->second;
  }
  return plan;
}

std::string run_label(const PlannedRun& run) {
  if (run.one_run) return "one-run audit (" + std::to_string(run.config.canaries.count) + " canaries)";
  const std::string trained = run.is_control() ? "control" : "canary " + std::to_string(run.canary_index);
  if (run.unlearns()) return trained + " unlearned (" + run.config.unlearning.method + ")";
  if (run.is_retrained_reference()) {
    return "control retrained without " + std::to_string(run.config.unlearning.forget_index);
  }
  return trained;
}

}  // namespace ufm
