#!/usr/bin/env bash
# Ours and the peers in one go, on the same data and settings: `genderml compare` (no augmentation, no face framing, no validation
# hold-out, so both train on the same images the same way), then benchmarks/classifiers/peers.py.
#   benchmarks/classifiers/run.sh [DATA_DIR] [EPOCHS] [MODELS] [LIMIT] [OUR_EPOCHS]
# GENDERML overrides the command (default ./genderml). LIMIT > 0 runs both on the first LIMIT images (by name) of each class and split, linked into /tmp.
# OUR_EPOCHS (default EPOCHS) trains ours for fewer epochs than the peers: "time to the same accuracy" is then ours
# reaching at least the peer's accuracy in no more of its time.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
data="$(cd "${1:-$root/../shared/data/kaggle-gender}" && pwd)"
epochs="${2:-5}"
models="${3:-logreg,dense,cnn2}"
limit="${4:-0}"
our_epochs="${5:-$epochs}"
cd "$root"
if [ "$limit" -gt 0 ]; then
  sub="/tmp/genderml-peers-subset-$limit"
  for split in train test; do for label in female male; do
    mkdir -p "$sub/$split/$label"
    { (cd "$data/$split/$label" && ls | sort | head -n "$limit") || true; } | while read -r f; do ln -sfn "$data/$split/$label/$f" "$sub/$split/$label/$f"; done
  done; done
  data="$sub"
fi
echo "== genderml compare (epochs $our_epochs, 2 threads; load $(cut -d' ' -f1-3 /proc/loadavg))"
${GENDERML:-./genderml} compare --data "$data" --models "$models" --epochs "$our_epochs" --no-augment --no-frame-faces --validation 0 --threads 2 --quiet
echo "== peers (sklearn / PyTorch, epochs $epochs, 2 threads; load $(cut -d' ' -f1-3 /proc/loadavg))"
# glibc keeps freed memory for reuse (as in benchmarks/engine/run.sh: with transparent huge pages "always" PyTorch
# otherwise maps and zeroes its activations afresh every step).
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 \
  MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=17179869184 MALLOC_TOP_PAD_=536870912 \
  /usr/bin/python3 benchmarks/classifiers/peers.py --data "$data" --models "$models" --epochs "$epochs" --threads 2
