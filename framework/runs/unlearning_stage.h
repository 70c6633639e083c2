#pragma once
/// The unlearning stages of a run (issue "Unlearning the canary"; docs/unlearning.md): the
/// post-training stage that puts a trained model through its unlearning method, and the
/// finishing stage that compares an unlearned canary with its references (a) image removed
/// and (b) feature never seen. Reference (c), the control unlearned the same way, is the
/// unlearned canary's control, so the usual control and exposure stages compare with it.
#include "runs/run_stages.h"
#include "storage/run_record.h"
#include "unlearning/unlearning_method.h"

namespace ufm {

/// Post-training stage "unlearn", on an unlearned variant only (run->unlearns()): records the
/// forget set's loss and accuracy and the source model's scores under before/, runs
/// unlearning.method on the model, and records the time and the forget set's loss and
/// accuracy after.
void unlearn_run(RunState& state);

/// Finishing stage "references", on an unlearned canary only: M and exposure of the
/// unlearned and of the source model against references (a), (b) and (c), under
/// references/<r>/ and before/references/<r>/ (storage/schema.h).
void compare_with_references(RunState& state);

/// The images `indices` of `training` as the model was trained on them (its canary applied).
ForgetSet forget_set_of(const TrainingView& training, const std::vector<std::int64_t>& indices);

/// history/*, best_epoch, epochs_run, train_seconds and stopped_early of `source`, into `record`.
void copy_training_history(const RunRecord& source, RunRecord& record);

}  // namespace ufm
