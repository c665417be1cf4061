#!/usr/bin/env bash
# Ours and the peers in one go, on the same data and settings: `genderml compare` (no augmentation, no validation
# hold-out, so both train on the same images the same way), then benchmarks/classifiers/peers.py.
#   benchmarks/classifiers/run.sh [DATA_DIR] [EPOCHS] [MODELS]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
data="${1:-$root/../shared/data/kaggle-gender}"
epochs="${2:-5}"
models="${3:-logreg,dense,cnn2}"
cd "$root"
echo "== genderml compare (epochs $epochs, 2 threads)"
./genderml compare --data "$data" --models "$models" --epochs "$epochs" --no-augment --validation 0 --threads 2 --quiet
echo "== peers (sklearn / PyTorch, 2 threads)"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 \
  /usr/bin/python3 benchmarks/classifiers/peers.py --data "$data" --models "$models" --epochs "$epochs" --threads 2
