// The paper's influence experiment (configs/paper/influence.yaml) scaled down: 1,000
// Fashion-MNIST images, 3 epochs, the 2 most and 2 least self-influential images, run
// in-process; `ufm plan` before and `ufm report` after.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "support/requirements.h"
#include "cli.h"
#include "experiments/invocation.h"
#include "storage/result_file.h"
#include "storage/schema.h"
#include "support/temp_dir.h"

namespace ufm {
namespace {

using ::testing::HasSubstr;

using testing::Invocation;
using testing::ufm_main;

std::vector<std::string> small_influence_run(const std::string& output, const std::string& command) {
  std::vector<std::string> args = {command,
                                   testing::source_path("configs/paper/influence.yaml"),
                                   "data.train_limit=1000",
                                   "data.test_limit=300",
                                   "train.max_epochs=3",
                                   "influence.k=2",
                                   "execution.progress=false",
                                   "output.path=" + output};
  const std::string mnist = testing::source_path("datasets/mnist-10k");
  if (std::filesystem::exists(mnist + "/t10k-labels-idx1-ubyte")) {
    args.push_back("ood.path=" + mnist);
  } else {
    args.push_back("ood.dataset=fashion_mnist");
    args.push_back("ood.split=test");
  }
  args.push_back("ood.limit=500");
  return args;
}

TEST(PaperInfluence, ScaledDownRunReportsGroupsWithRanksBeforeAndAfter) {
  UFM_REQUIRE(!testing::fashion_mnist_directory().empty(), "dataset-fashion-mnist is not installed");
  testing::TempDir temp;
  const std::string output = temp.file("influence.h5");

  const Invocation plan = ufm_main(small_influence_run(output, "plan"));
  ASSERT_EQ(plan.status, 0) << plan.err;
  EXPECT_THAT(plan.out, HasSubstr("1 runs, 0 done, 1 to run"));
  EXPECT_THAT(plan.out, HasSubstr("canaries most_influential (k = 2)"));
  EXPECT_THAT(plan.out, HasSubstr("chosen after stage 1"));

  const Invocation run = ufm_main(small_influence_run(output, "run"));
  ASSERT_EQ(run.status, 0) << run.err;
  const ResultFile file = read_result_file(output);
  ASSERT_EQ(file.runs.size(), 5u);  // the reference control + 2 most + 2 least influential
  std::map<std::string, int> groups;
  for (const auto& record : file.runs) {
    if (record.int_attribute(schema::kIsControl)) {
      EXPECT_EQ(record.array(schema::kSelfInfluence).shape, (std::vector<std::int64_t>{1000}));
      continue;
    }
    const std::string group = record.string_attribute(schema::kSelectionGroup);
    ++groups[group];
    const std::int64_t before = record.int_attribute(schema::kSelfInfluenceRankBefore);
    if (group == "most_influential") {
      EXPECT_LE(before, 2);
    }
    if (group == "least_influential") {
      EXPECT_GE(before, 999);
    }
    EXPECT_GE(record.int_attribute(schema::kSelfInfluenceRankAfter), 1);
  }
  EXPECT_EQ(groups["most_influential"], 2);
  EXPECT_EQ(groups["least_influential"], 2);

  const Invocation report = ufm_main({"report", output});
  ASSERT_EQ(report.status, 0) << report.err;
  EXPECT_THAT(report.out, HasSubstr("## influence"));
  EXPECT_THAT(report.out, HasSubstr("| group | canary | label | M | M − control | rank before | rank after |"));
  EXPECT_THAT(report.out, HasSubstr("| most_influential | mean of 2 |"));
  EXPECT_THAT(report.out, HasSubstr("| least_influential | mean of 2 |"));
  std::cout << report.out;  // the table, for the test log

  const Invocation plan_after = ufm_main(small_influence_run(output, "plan"));
  ASSERT_EQ(plan_after.status, 0) << plan_after.err;
  EXPECT_THAT(plan_after.out, HasSubstr("5 runs, 5 done, 0 to run"));
}

}  // namespace
}  // namespace ufm
