// `ufm account`: what a DP-SGD schedule costs, without training (privacy/dp_sgd_account.h),
// and, given a target, the noise multiplier that meets it (privacy/noise_calibration.h).
#include <iomanip>
#include <ostream>

#include "commands.h"
#include "core/error.h"
#include "privacy/dp_sgd_account.h"
#include "privacy/noise_calibration.h"

namespace ufm::cli {

int command_account(const std::vector<std::string>& args, std::ostream& out) {
  po::options_description options(
      "ufm account --sampling-rate Q --steps T (--noise-multiplier S | --target-mu M | --target-epsilon E)\n"
      "            [--delta D] [--relation replace|add_remove]\n"
      "The privacy account of T Poisson-subsampled DP-SGD steps at rate Q (train.batch_size / N) and noise\n"
      "multiplier S, as `ufm run` stores it: epsilon at delta by RDP and by the tight PLD accountant (with\n"
      "its bracket), the reported guarantee (the smaller), mu-GDP and the CLT approximation. With a target,\n"
      "first solves for the smallest S that meets it, as privacy.target does");
  bool help = false;
  DpSgdSchedule schedule;
  std::string relation = "replace";
  double target_mu = 0.0, target_epsilon = 0.0;
  options.add_options()("help,h", po::bool_switch(&help), "show this help")(
      "sampling-rate", po::value<double>(&schedule.sampling_rate), "q in (0, 1]")(
      "steps", po::value<std::int64_t>(&schedule.steps_planned), "T >= 1")(
      "noise-multiplier", po::value<double>(&schedule.noise_multiplier), "sigma > 0")(
      "target-mu", po::value<double>(&target_mu), "solve sigma for this mu-GDP")(
      "target-epsilon", po::value<double>(&target_epsilon), "solve sigma for this epsilon at delta")(
      "delta", po::value<double>(&schedule.delta)->default_value(1e-5), "delta in (0, 1)")(
      "relation", po::value<std::string>(&relation)->default_value("replace"), "replace (one example) or add_remove");
  const po::variables_map values = parse_command(args, options, "unused", 0);
  if (help) {
    out << options << "\n";
    return 0;
  }
  UFM_CHECK(values.count("sampling-rate") && schedule.sampling_rate > 0.0 && schedule.sampling_rate <= 1.0,
            ConfigError, "--sampling-rate: expected a rate in (0, 1]");
  UFM_CHECK(values.count("steps") && schedule.steps_planned >= 1, ConfigError, "--steps: expected >= 1");
  UFM_CHECK(schedule.delta > 0.0 && schedule.delta < 1.0, ConfigError, "--delta: expected a value in (0, 1), got ",
            schedule.delta);
  UFM_CHECK(relation == "replace" || relation == "add_remove", ConfigError,
            "--relation: expected replace or add_remove, got '", relation, "'");
  const int given = static_cast<int>(values.count("noise-multiplier") + values.count("target-mu") +
                                     values.count("target-epsilon"));
  UFM_CHECK(given == 1, ConfigError, "give exactly one of --noise-multiplier, --target-mu and --target-epsilon");
  schedule.replace = relation == "replace";
  schedule.steps_taken = schedule.steps_planned;
  out << std::setprecision(6);
  if (values.count("noise-multiplier")) {
    UFM_CHECK(schedule.noise_multiplier > 0.0, ConfigError, "--noise-multiplier: expected > 0, got ",
              schedule.noise_multiplier);
  } else {
    PrivacyTarget target;
    target.kind = values.count("target-mu") ? PrivacyTarget::Kind::kMu : PrivacyTarget::Kind::kEpsilon;
    target.mu = target_mu;
    target.epsilon = target_epsilon;
    const std::string& kind = option_name(target.kind);
    UFM_CHECK(target_mu > 0.0 || target_epsilon > 0.0, ConfigError, "--target-", kind, ": expected > 0");
    schedule.noise_multiplier = calibrate_noise_multiplier(schedule, target).noise_multiplier;
    out << "solved noise multiplier: " << schedule.noise_multiplier << " (target " << kind << " "
        << (target.kind == PrivacyTarget::Kind::kMu ? target_mu : target_epsilon) << ")\n";
  }
  const DpSgdAccount account = account_dp_sgd(schedule);
  out << "schedule: q " << schedule.sampling_rate << ", sigma " << schedule.noise_multiplier << ", " << schedule.steps_planned
      << " steps, delta " << schedule.delta << ", " << (schedule.replace ? "replace-one" : "add/remove")
      << " neighbours, Poisson sampling\n"
      << "epsilon (reported, the smaller accountant): " << account.epsilon << "\n"
      << "epsilon PLD: " << account.epsilon_pld << "\n"
      << "epsilon RDP: " << account.epsilon_rdp << " (order " << account.order << ")\n"
      << "PLD add/remove bracket: [" << account.epsilon_add_remove_pld_lower << ", " << account.epsilon_add_remove_pld
      << "]\n";
  if (schedule.replace) {
    out << "PLD replace (substitution) bracket: [" << account.epsilon_replace_pld_lower << ", "
        << account.epsilon_replace_pld << "]\n";
  }
  out << "mu-GDP (dominating the profile): " << account.mu << "\n"
      << "mu CLT (approximation, not a guarantee): " << account.mu_clt << "\n"
      << "epsilon at delta read off mu-GDP: " << account.epsilon_of_mu << "\n";
  return 0;
}

}  // namespace ufm::cli
