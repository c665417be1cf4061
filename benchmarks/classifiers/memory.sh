#!/usr/bin/env bash
# Peak memory of training on 200,000 images at 50×50: the 20,000 training images of kaggle-gender listed 10 times
# in a CSV manifest. The manifest loader rejects a path listed twice (and the pixel cache keys entries by path), so
# each repeat goes through its own directory symlink (WORK/r0 … r9 → the train folder): 200,000 distinct paths,
# no copied images. Trains cnn2 for one epoch under /usr/bin/time -v and prints the peak resident set size.
#   benchmarks/classifiers/memory.sh [DATA_DIR] [REPEATS] [WORK_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
data="$(cd "${1:-$root/../shared/data/kaggle-gender}" && pwd)"
repeats="${2:-10}"
work="${3:-/tmp/genderml-memory}"
mkdir -p "$work"
manifest="$work/manifest.csv"
echo "path,label" > "$manifest"
for ((r = 0; r < repeats; r++)); do
  ln -sfn "$data/train" "$work/r$r"
  for label in female male; do
    (cd "$data/train/$label" && ls) | sed "s|^|r$r/$label/|; s|\$|,$label|" >> "$manifest"
  done
done
echo "$(($(wc -l < "$manifest") - 1)) rows in $manifest"
cd "$root"
./genderml --help > /dev/null || true   # builds Release when needed, outside the measurement
/usr/bin/time -v ./genderml train --data "$manifest" --model cnn2 --epochs 1 --out "$work/cnn2.zip" \
  --cache "$work/cache" --quiet 2> "$work/time.txt" | tee "$work/train.txt"
grep -E "Maximum resident set size|Elapsed \(wall clock\)" "$work/time.txt"
awk '/Maximum resident set size/ { printf "peak RSS %.0f MB\n", $NF / 1024 }' "$work/time.txt"
