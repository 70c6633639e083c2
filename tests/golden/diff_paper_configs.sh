#!/bin/bash
# Runs a scaled-down copy of every paper config with two binaries and compares the result
# files bit for bit with `ufm diff --allow-added` (timings, timestamps, host and versions
# excepted): the check behind "the redesign changed no result" for all configs, beside the
# guard test's one (tests/experiments/guard_test.cpp). Needs the datasets of `make run`;
# configs whose data is missing (CIFAR-10) are reported as failed runs for both binaries.
#   tests/golden/diff_paper_configs.sh OLD_UFM NEW_UFM [OUT_DIR]
set -uo pipefail
OLD=${1:?old ufm binary}; NEW=${2:?new ufm binary}; OUT=${3:-$(mktemp -d)}
cd "$(dirname "$0")/../.."
mkdir -p "$OUT"
COMMON="data.train_limit=600 data.test_limit=200 train.max_epochs=2 ood.dataset=fashion_mnist ood.path= ood.split=test
        ood.limit=100 execution.threads=1 execution.progress=false"
for cfg in configs/fashion_mnist_mlp.yaml configs/paper/*.yaml; do
  name=$(basename "$cfg" .yaml)
  case $name in
    one_run*) extra="data.train_limit=3000";;  # m = 1,000 canaries need the images
    batch_position) extra="canaries.count=2 data.train_limit=60000";;  # explicit indices
    memorisation_grid) extra="canaries.count=2 dataset=fashion_mnist";;
    fashion_mnist_mlp) extra="canaries.count=2 canaries.pairing=independent evaluation.exposure=true evaluation.candidates=19
                             evaluation.patch_draws=2 evaluation.save_candidate_scores=true";;
    *) extra="canaries.count=2";;
  esac
  for which in old new; do
    bin=$OLD; [ "$which" = new ] && bin=$NEW
    rm -rf "$OUT/${name}_$which.h5" "$OUT/${name}_$which.h5.d"
    # shellcheck disable=SC2086
    "$bin" run "$cfg" $COMMON $extra output.path="$OUT/${name}_$which.h5" > "$OUT/${name}_$which.log" 2>&1 ||
      echo "$name $which: run failed (see $OUT/${name}_$which.log)"
  done
  if [ -f "$OUT/${name}_old.h5" ] && [ -f "$OUT/${name}_new.h5" ]; then
    if "$NEW" diff "$OUT/${name}_old.h5" "$OUT/${name}_new.h5" --allow-added > "$OUT/${name}_diff.txt" 2>&1; then
      echo "$name: identical"
    else
      echo "$name: DIFFERENT: $(head -3 "$OUT/${name}_diff.txt" | tr '\n' ' ')"
    fi
  fi
done
