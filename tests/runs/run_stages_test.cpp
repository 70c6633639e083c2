// A run is a list of named stages: the order is data, and the post-training list (where
// unlearning plugs in) sits between training and scoring.
#include "runs/run_stages.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ufm {
namespace {

std::vector<std::string> names_of(const std::vector<RunStage>& stages) {
  std::vector<std::string> out;
  for (const RunStage& stage : stages) out.push_back(stage.name);
  return out;
}

TEST(RunStages, SetUpThenTrainThenFinishInTheDocumentedOrder) {
  EXPECT_EQ(names_of(setup_stages()), (std::vector<std::string>{"describe", "probe", "stamp", "initialise"}));
  EXPECT_EQ(names_of(finish_stages()), (std::vector<std::string>{"history", "privacy", "post_train", "control", "score",
                                                                 "one_run", "references", "store"}));
  for (const RunStage& stage : setup_stages()) EXPECT_TRUE(stage.run) << stage.name;
  for (const RunStage& stage : finish_stages()) EXPECT_TRUE(stage.run) << stage.name;
}

TEST(RunStages, UnlearningIsTheOnlyPostTrainingStage) {
  // Unlearning plugs in between training and scoring; a run without an unlearning block
  // skips it (unlearning_stage.h), so the trained model is what is scored.
  EXPECT_EQ(names_of(post_training_stages()), (std::vector<std::string>{"unlearn"}));
}

}  // namespace
}  // namespace ufm
