#!/bin/sh
# Alternates the scikit-learn peer and LinearBench on the same dumped features, ROUNDS times each,
# so both see the same machine load. Usage: benchmarks/linear/run_side_by_side.sh FEATURES_DIR ROUNDS [extra args]
set -e
dir=${1:-/tmp/logreg50}; rounds=${2:-3}; shift 2 || true
here=$(dirname "$0")
dotnet build "$here/../LinearBench" -c Release -v q -nologo >/dev/null
i=0
while [ "$i" -lt "$rounds" ]; do
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 \
    /usr/bin/python3 "$here/logreg_peers.py" --data ../shared/data/kaggle-gender --out "$dir" "$@" 2>/dev/null | grep '^{'
  dotnet "$here/../LinearBench/bin/Release/net10.0/LinearBench.dll" --features "$dir" --threads 2 "$@"
  i=$((i + 1))
done
