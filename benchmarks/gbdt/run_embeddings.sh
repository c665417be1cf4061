#!/usr/bin/env bash
# Boosted trees on the 128-d face-ResNet embeddings: ours and scikit-learn's on the same file, in one run.
# Usage: benchmarks/gbdt/run_embeddings.sh [CACHE_DIR]   (embeddings are cached there; a warm cache is a read)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cache="${1:-/tmp/tc}"
dotnet build "$root/benchmarks/GbdtEmbeddingsBench" -c Release -v q -nologo >/dev/null
dotnet "$root/benchmarks/GbdtEmbeddingsBench/bin/Release/net10.0/GbdtEmbeddingsBench.dll" \
  --data "$root/../shared/data/kaggle-gender" --cache "$cache" --models "$root/models/face-api" --out /tmp/gbdt-emb.bin
OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 "$root/benchmarks/gbdt/gbdt_embeddings_peer.py" /tmp/gbdt-emb.bin
