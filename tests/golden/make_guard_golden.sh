#!/bin/bash
# Writes tests/golden/guard_core_small.h5: the core config scaled down, as the binary
# given (default build/ufm) computes it. tests/experiments/guard_test.cpp reruns the same
# arguments (kGuardArguments there; keep the two lists equal) and requires the same science.
# The committed file was written by the binary of commit 8741cfb, before the trainer and
# model redesign of issue 13, on an AMD EPYC with OpenBLAS 0.3.21 (OpenMP), 1 thread.
set -euo pipefail
BIN=${1:-build/ufm}
cd "$(dirname "$0")/../.."
out=$(mktemp -d)/guard.h5
"$BIN" run configs/fashion_mnist_mlp.yaml data.train_limit=600 data.test_limit=200 model.hidden=[16] \
  model.dropout=true train.shuffle=true canaries.count=2 canaries.pairing=independent evaluation.exposure=true \
  evaluation.candidates=19 evaluation.patch_draws=2 evaluation.per_epoch=true train.max_epochs=2 \
  ood.dataset=fashion_mnist ood.path= ood.split=test ood.limit=100 execution.threads=1 execution.progress=false \
  output.path="$out" >/dev/null
cp "$out" tests/golden/guard_core_small.h5
