// The scorer registry's contract: every registered scorer returns exactly its declared
// outputs, with the declared axes on a canary and on a control, they survive a real HDF5
// write and read, and their per-epoch forms are stacked along a leading "epoch" axis.
#include "scoring/scorer_registry.h"

#include <gtest/gtest.h>

#include <random>

#include "score_records.h"
#include "storage/schema.h"

namespace ufm {
namespace {

// Softmax-like rows of N images over K classes, deterministic.
struct Probes {
  std::vector<float> clean, feature, random;
  std::vector<std::int64_t> labels;
  ProbeOutputs view() const {
    ProbeOutputs out;
    const auto n = static_cast<std::int64_t>(labels.size());
    const std::int64_t k = static_cast<std::int64_t>(clean.size()) / n;
    out.clean = MatrixView{clean.data(), n, k};
    out.feature = MatrixView{feature.data(), n, k};
    out.random = MatrixView{random.data(), n, k};
    out.labels = labels.data();
    return out;
  }
};

Probes make_probes(std::int64_t n, std::int64_t k, unsigned seed) {
  std::mt19937 generator(seed);
  std::uniform_real_distribution<float> uniform(0.05f, 1.0f);
  Probes p;
  for (auto* target : {&p.clean, &p.feature, &p.random}) {
    for (std::int64_t i = 0; i < n; ++i) {
      std::vector<float> row(static_cast<std::size_t>(k));
      float sum = 0.0f;
      for (auto& v : row) sum += (v = uniform(generator));
      for (auto& v : row) target->push_back(v / sum);
    }
  }
  for (std::int64_t i = 0; i < n; ++i) p.labels.push_back(i % k);
  return p;
}

std::size_t elements(const std::string& axes, std::int64_t images, std::int64_t classes) {
  if (axes.empty()) return 1;
  return axes == "label" ? static_cast<std::size_t>(classes) : static_cast<std::size_t>(images);
}

TEST(ScorerRegistry, EveryScorerReturnsExactlyItsDeclaredOutputsWithTheirAxes) {
  const Probes probes = make_probes(40, 4, 1);
  const ProbeOutputs view = probes.view();
  for (std::int64_t label : {std::int64_t{2}, std::int64_t{-1}}) {
    SCOPED_TRACE(label < 0 ? "control" : "canary");
    const ScoringContext context(view, label);
    for (const std::string& name : scorer_registry().names()) {
      SCOPED_TRACE(name);
      const auto scorer = scorer_registry().create(name);
      if (!scorer->probes_only()) continue;  // needs a model: covered through the real runner
      const ScoreArrays arrays = scorer->score(context).arrays;
      ASSERT_EQ(arrays.size(), scorer->outputs().size());
      for (const ScoreOutput& output : scorer->outputs()) {
        ASSERT_TRUE(arrays.count(output.path)) << output.path;
        const ArrayData& array = arrays.at(output.path);
        const std::string& axes = label < 0 ? output.control_axes : output.canary_axes;
        EXPECT_EQ(array.axes, axes) << output.path;
        EXPECT_EQ(static_cast<std::size_t>(array.element_count()), elements(axes, 40, 4)) << output.path;
        EXPECT_FALSE(output.description.empty()) << output.path;
      }
    }
  }
}

TEST(ScorerRegistry, DeclaredOutputsAreWrittenAndReadBackThroughAResultFile) {
  const Probes probes = make_probes(30, 3, 2);
  const ProbeOutputs view = probes.view();
  ResultFile file;
  for (std::int64_t label : {std::int64_t{1}, std::int64_t{-1}}) {
    RunRecord run = testing::scored_record(label, score_with_all(ScoringContext(view, label), /*probes_only=*/true));
    std::vector<ScoreArrays> epochs = {run.arrays, run.arrays};
    for (auto& [path, array] : stack_per_epoch(epochs)) run.arrays[path] = array;
    file.runs.push_back(run);
  }
  const ResultFile back = testing::round_trip(file);
  ASSERT_EQ(back.runs.size(), 2u);
  for (const RunRecord& written : file.runs) {
    const RunRecord* read = testing::find_run(back, written.identity);
    ASSERT_NE(read, nullptr);
    for (const std::string& name : scorer_registry().names()) {
      const auto scorer = scorer_registry().create(name);
      if (!scorer->probes_only()) continue;
      for (const ScoreOutput& output : scorer->outputs()) {
        SCOPED_TRACE(written.identity + " " + output.path);
        ASSERT_TRUE(read->has_array(output.path));
        testing::expect_same_array(read->array(output.path), written.array(output.path));
        const std::string epoch_path = per_epoch_path(output.path);
        EXPECT_EQ(read->has_array(epoch_path), output.per_epoch);
        if (output.per_epoch) {
          const std::string& axes = written.identity == "control" ? output.control_axes : output.canary_axes;
          EXPECT_EQ(read->array(epoch_path).axes, axes.empty() ? "epoch" : "epoch," + axes);
          EXPECT_EQ(read->array(epoch_path).shape.front(), 2);
        }
      }
    }
  }
}

TEST(ScorerRegistry, AnUnknownScorerNameSuggestsTheNearestOne) {
  try {
    scorer_registry().create("probabilty");
    FAIL() << "created an unknown scorer";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("did you mean 'probability'"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace ufm
