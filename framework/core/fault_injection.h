#pragma once
/// Deterministic crashes for tests of crash safety (resume after kill -9, pieces, merge).
/// Set UFM_FAULT="<point>:<n>" and the process kills itself with SIGKILL the n-th time
/// it passes the named point (n defaults to 1). Points: "train_step" (after a training
/// step), "piece_write" (half-way through writing a piece), "merge" (half-way through
/// writing the merged file). Without UFM_FAULT this costs one cached lookup per call.
namespace ufm {

/// Kills the process when UFM_FAULT names `point` and this is its n-th passage.
void fault_point(const char* point);

}  // namespace ufm
