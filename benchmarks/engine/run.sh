#!/usr/bin/env bash
# Runs `genderml bench engine --json` and the numpy/PyTorch peers in the same session and prints them side by side.
# usage: benchmarks/engine/run.sh [--threads N]     (JSON of both kept in benchmarks/engine/last-*.json, not committed)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
ours="$here/last-ours.json"
peers="$here/last-peers.json"
"$root/genderml" bench engine --json "$@" > "$ours"
# The peer runs its AVX-512 kernels: the machine's OpenBLAS overrides are removed for this command only.
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 "$here/engine_peers.py" "$@" > "$peers"
/usr/bin/python3 "$here/table.py" "$ours" "$peers"
