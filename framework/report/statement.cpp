#include "report/statement.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "core/statistics.h"
#include "core/text.h"
#include "report/audit_table.h"
#include "report/one_run_table.h"
#include "report/privacy_table.h"
#include "report/verdicts.h"
#include "storage/schema.h"

namespace ufm {

namespace {

// The verdict a statement quotes: the paired exposure against the reference, pooled by
// Fisher's method (the test the power and calibration runs measured).
constexpr const char* kQuotedTest = "exposure vs control";

// The cell of `column` in the row of `table` whose key cells are `keys` (and whose "test"
// cell is `test` when given); "" when there is none.
std::string cell_of(const Table& table, const std::vector<std::string>& keys, const std::string& column,
                    const std::string& test = "") {
  std::size_t wanted = table.header.size(), test_column = table.header.size();
  for (std::size_t c = 0; c < table.header.size(); ++c) {
    if (table.header[c] == column) wanted = c;
    if (table.header[c] == "test") test_column = c;
  }
  if (wanted == table.header.size()) return "";
  for (const auto& row : table.rows) {
    if (!std::equal(keys.begin(), keys.end(), row.begin())) continue;
    if (!test.empty() && (test_column == table.header.size() || row[test_column] != test)) continue;
    return row[wanted];
  }
  return "";
}

// "0.0152" → 0.0152; NaN for an empty or non-numeric cell.
double number_in(const std::string& text) {
  try {
    std::size_t used = 0;
    const double value = std::stod(text, &used);
    return used > 0 ? value : std::nan("");
  } catch (...) {
    return std::nan("");
  }
}

// The part of a "0.54 (1e-05)" or "0.54 / 0.67" cell before the space.
std::string first_word(const std::string& text) { return text.substr(0, text.find(' ')); }
std::string after_slash(const std::string& text) {
  const auto slash = text.find(" / ");
  return slash == std::string::npos ? "" : text.substr(slash + 3);
}

}  // namespace

std::string privacy_statement(const GroupedRuns& grouped, const ResultFile& file, bool markdown,
                              const ResultFile* null_pairs) {
  const Table verdicts = verdict_table(grouped, file, null_pairs);
  const bool audited = audit_refusal(grouped, kAuditScoreExposure).empty();
  const Table audit = audited ? audit_table(grouped) : Table{};
  std::ostringstream out;
  const std::string bold = markdown ? "**" : "";
  for (const Setting& setting : grouped.settings) {
    const std::vector<std::string> keys = key_cells(grouped, setting);
    const RunRecord& first = *setting.canaries.front().run;
    const std::size_t pairs = setting.canaries.size();
    const bool independent = setting_value(first, "canaries.pairing").value_or("shared") == "independent";
    const bool private_run = first.has_attribute(schema::kPrivacyEpsilon);
    out << (markdown ? "### " : "") << "Setting: " << setting_label(grouped.keys, setting) << "\n\n";

    out << bold << "What was tested." << bold << " " << pairs << " model" << (pairs == 1 ? "" : "s") << " ("
        << setting_value(first, "model.name").value_or("?") << " on " << setting_value(first, "data.name").value_or("?")
        << ") were each trained with one training image carrying a " << setting_value(first, "feature.size").value_or("5")
        << "×" << setting_value(first, "feature.size").value_or("5")
        << " pixel pattern that appears nowhere else, and compared with "
        << (independent ? "a reference model of its own" : "one shared reference model")
        << " trained without it from the same starting weights"
        << (private_run ? ", drawing its own batches and noise" : "")
        << ". All were then shown images they had never seen, with and without the pattern.\n\n";

    out << bold << "Memorisation." << bold << " ";
    const std::string p_text = cell_of(verdicts, keys, "Fisher p", kQuotedTest);
    const double p = number_in(p_text);
    if (!independent) {
      out << "No pooled verdict: the canaries share one reference model, so their tests are not independent.";
    } else if (std::isnan(p)) {
      out << "No verdict: the models do not store the exposure test against their reference.";
    } else {
      const std::string n = cell_of(verdicts, keys, "canaries", kQuotedTest);
      if (p < 0.05) {
        out << "The models reacted to their own pattern more than their references did: memorisation detected "
               "(pooled p = "
            << p_text << " over " << n << " pairs).";
      } else {
        out << "Not detected with " << n << " pairs (pooled p = " << p_text
            << "). This does not show that the pattern was not memorised: more pairs can detect a smaller effect.";
      }
      const std::string rate = cell_of(verdicts, keys, "null-pair FPR at 0.05", kQuotedTest);
      out << (rate.empty() ? " The test's false-positive rate was not measured for this file (a calibration run, "
                             "`ufm report --calibration`, measures it)."
                           : " On null pairs (nothing to find) this test rejected at 0.05 in " + rate + " pairs.");
    }
    out << "\n\n";

    out << bold << "How much privacy was lost." << bold << " ";
    if (!audited) {
      out << "No audit: " << audit_refusal(grouped, kAuditScoreExposure) << ".";
    } else {
      const std::string epsilon = first_word(cell_of(audit, keys, "epsilon lower (delta)"));
      const std::string limit = cell_of(audit, keys, "design limit eps / mu");
      const std::string counted = after_slash(cell_of(audit, keys, "choose / count"));
      if (epsilon.empty() || std::isnan(number_in(epsilon))) {
        out << "No audit: " << cell_of(audit, keys, "choose / count") << ".";
      } else {
        out << "Telling models trained with the image from models trained without it, an auditor showed a privacy "
               "loss of at least epsilon = "
            << epsilon << " (mu = " << cell_of(audit, keys, "mu lower") << ") with 95 % confidence, from " << counted
            << " guesses; with that many guesses no audit could show more than epsilon = " << first_word(limit)
            << ". A lower bound is what this audit could show, not the true loss.";
      }
    }
    out << "\n\n";

    out << bold << "Guarantee." << bold << " ";
    if (!private_run) {
      out << "Training was not differentially private: no guarantee limits what the model reveals about one image.";
    } else if (first.string_attribute(schema::kPrivacyValidity) != "guarantee") {
      out << "Training used DP-SGD, but " << first.string_attribute(schema::kPrivacyValidity)
          << ": its epsilon is not a guarantee.";
    } else {
      const double mu = first.double_attribute(schema::kPrivacyMu);
      // The largest TPR of any membership test at FPR 1 % under μ-GDP: 1 − Φ(Φ⁻¹(0.99) − μ)
      // (Dong, Roth, Su 2022, Def. 2.7).
      const double tpr = 1.0 - normal_cdf(normal_isf(0.01) - mu);
      out << "Training was differentially private (DP-SGD, noise multiplier "
          << format_number(first.double_attribute(schema::kPrivacyNoiseMultiplier)) << ", "
          << first.int_attribute(schema::kPrivacyStepsPlanned) << " steps). For replacing any one training image ("
          << first.string_attribute(schema::kPrivacyNeighbouring) << "), it guarantees epsilon <= "
          << format_number(first.double_attribute(schema::kPrivacyEpsilon)) << " at delta = "
          << format_number(first.double_attribute(schema::kPrivacyDelta)) << ", or mu = " << format_number(mu)
          << " in Gaussian DP: no test on the released model can tell whether a given image was used with a "
             "true-positive rate above "
          << format_number(tpr, 3) << " at a false-positive rate of 0.01, whatever the attack.";
      if (audited && cell_of(audit, keys, "check").rfind("lower bound exceeds", 0) == 0) {
        out << " The audited lower bound exceeds this guarantee (p < 0.05): check the DP code or the audit.";
      }
    }
    out << "\n\n";
  }
  // One-run audits: one paragraph per setting (varying keys), over its trainings.
  std::map<std::string, std::vector<const RunRecord*>> one_runs;
  for (const auto& run : file.runs) {
    if (is_one_run_record(run) && run.has_attribute(schema::kOneRunPValue)) {
      one_runs[one_run_group(run)].push_back(&run);
    }
  }
  for (const auto& [setting, runs] : one_runs) {
    const RunRecord& first = *runs.front();
    const bool null_audit = first.int_attribute(schema::kOneRunNull) != 0;
    std::int64_t guesses = 0, correct = 0;
    std::vector<std::string> epsilons;
    for (const RunRecord* run : runs) {
      guesses += run->int_attribute(schema::kOneRunGuesses);
      correct += run->int_attribute(schema::kOneRunCorrect);
      epsilons.push_back(format_number(run->double_attribute(schema::kOneRunEpsilonLower), 3));
    }
    // Independent trainings with independent coins: the summed count is Binomial(Σr, ½).
    const double pooled = binomial_test_greater(correct, guesses, 0.5).p_value;
    out << (markdown ? "### " : "") << "One-run audit: " << setting << "\n\n";
    out << bold << "What was tested." << bold << " " << runs.size() << " training" << (runs.size() == 1 ? "" : "s")
        << ", each holding " << first.array(schema::kOneRunStamped).element_count()
        << " candidate images with a pattern of their own; a fair coin decided for each whether its pattern "
        << (null_audit ? "would be stamped, but none was (a null audit: it measures how often the test is fooled)"
                       : "was stamped into the training image")
        << ". An auditor who saw only the trained model guessed, for the patterns it was surest about, whether they "
           "had been in the training data.\n\n";
    out << bold << "Result." << bold << " " << correct << " of " << guesses << " guesses right (chance: half); ";
    if (null_audit) {
      out << (pooled < 0.05 ? "the test rejected although nothing was stamped (p = "
                            : "as it should with nothing stamped, the test did not reject (p = ")
          << format_number(pooled, 3) << "); null audits measure its false-positive rate.";
    } else if (pooled < 0.05) {
      out << "memorisation detected (p = " << format_number(pooled, 3) << (runs.size() > 1 ? ", pooled" : "") << ").";
    } else {
      out << "not detected with " << runs.size() << " training" << (runs.size() == 1 ? "" : "s") << " (p = "
          << format_number(pooled, 3) << "), which does not show that nothing was memorised.";
    }
    out << (runs.size() == 1 ? " The training showed a privacy loss of epsilon >= " : " The trainings showed epsilon >= ")
        << join(epsilons, ", ") << " at delta = " << format_number(first.double_attribute(schema::kOneRunDelta))
        << (runs.size() == 1 ? " (95 % confidence" : " (each at 95 % confidence; the largest of several is not")
        << (runs.size() == 1 ? "" : " itself a 95 % bound") << "; a lower bound, not the true loss).\n\n";
  }
  return out.str();
}

}  // namespace ufm
