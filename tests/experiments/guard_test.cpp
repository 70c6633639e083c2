// The redesign guard (issue 13): the core config, scaled down, must give today the science
// the pre-redesign binary stored in tests/golden/guard_core_small.h5 — scores, histories,
// weights and settings — bit for bit on the CPU and BLAS that wrote it (timings, host and
// versions excepted). On another CPU or BLAS the kernels round differently; floating-point
// values are then compared to 1e-4 and the test says so.
#include "support/requirements.h"
#include "experiments/invocation.h"

#include <gtest/gtest.h>

#include "runtime/runtime_info.h"
#include "storage/result_diff.h"
#include "storage/result_file.h"
#include "storage/schema.h"
#include "support/temp_dir.h"

namespace ufm {
namespace {

// The arguments of tests/golden/make_guard_golden.sh, which wrote the golden file.
std::vector<std::string> guard_arguments(const std::string& output) {
  return {"run",
          testing::source_path("configs/fashion_mnist_mlp.yaml"),
          "data.train_limit=600",
          "data.test_limit=200",
          "model.hidden=[16]",
          "model.dropout=true",
          "train.shuffle=true",
          "canaries.count=2",
          "canaries.pairing=independent",
          "evaluation.exposure=true",
          "evaluation.candidates=19",
          "evaluation.patch_draws=2",
          "evaluation.per_epoch=true",
          "train.max_epochs=2",
          "ood.dataset=fashion_mnist",
          "ood.path=",
          "ood.split=test",
          "ood.limit=100",
          "execution.threads=1",
          "execution.progress=false",
          "output.path=" + output};
}

std::string text_attribute(const std::map<std::string, AttributeValue>& attributes, const char* name) {
  const auto found = attributes.find(name);
  return found == attributes.end() ? "" : attribute_text(found->second);
}

TEST(RedesignGuard, TheCoreConfigGivesThePreRedesignScoresHistoriesAndWeights) {
  UFM_REQUIRE(!testing::fashion_mnist_directory().empty(), "dataset-fashion-mnist is not installed");
  testing::TempDir temp;
  const std::string output = temp.file("guard.h5");
  const testing::Invocation run = testing::ufm_main(guard_arguments(output));
  ASSERT_EQ(run.status, 0) << run.err;
  const ResultFile golden = read_result_file(testing::source_path("tests/golden/guard_core_small.h5"));
  const ResultFile now = read_result_file(output);
  ASSERT_EQ(now.runs.size(), 4u);

  const RuntimeInfo runtime = collect_runtime_info();
  // A CPU name without a model number ("AMD EPYC" in virtual machines) covers generations
  // whose BLAS kernels round differently, so only a specific name promises the same bits.
  const std::string golden_cpu = text_attribute(golden.runs.front().attributes, schema::kCpuModelAttribute);
  const bool specific_cpu = golden_cpu.find_first_of("0123456789") != std::string::npos;
  const bool same_arithmetic = specific_cpu && golden_cpu == runtime.cpu_model &&
                               text_attribute(golden.attributes, schema::kBlasAttribute) == runtime.blas;
  ResultDiffOptions options;
  // Outputs added since (scores/exposure_control) are allowed; every stored value must match.
  options.allow_added = true;
  if (!same_arithmetic) {
    options.tolerance = 1e-4;
    std::cout << "[guard] this CPU or BLAS is not the golden file's ("
              << text_attribute(golden.runs.front().attributes, schema::kCpuModelAttribute)
              << "): floating-point values compared to 1e-4, not bit for bit\n";
  }
  const std::vector<std::string> differences = result_differences(golden, now, options);
  std::string listed;
  for (std::size_t i = 0; i < differences.size() && i < 10; ++i) listed += differences[i] + "\n";
  EXPECT_TRUE(differences.empty()) << differences.size() << " difference(s):\n" << listed;
}

}  // namespace
}  // namespace ufm
