#!/usr/bin/env bash
# Runs `genderml bench engine --json` and the numpy/PyTorch peers in the same session and prints them side by side.
# usage: benchmarks/engine/run.sh [--threads N] [--skip-sgemm]
# (JSON of both kept in benchmarks/engine/last-*.json, not committed)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
ours="$here/last-ours.json"
peers="$here/last-peers.json"

# The peers: Debian's numpy and torch link libblas.so.3, which is the netlib reference BLAS here. Make it OpenBLAS
# (AVX-512 kernels) for the peer command only: the installed libopenblas0-pthread, else the package unpacked
# under benchmarks/engine/.cache. The machine's OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE are removed for the peer only.
peer_env=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE)
blas_dir=/usr/lib/x86_64-linux-gnu/openblas-pthread
if [[ ! -e "$blas_dir/libblas.so.3" ]]; then
    cache="$here/.cache"
    blas_dir="$cache/root/usr/lib/x86_64-linux-gnu/openblas-pthread"
    if [[ ! -e "$blas_dir/libblas.so.3" ]]; then
        mkdir -p "$cache"
        (cd "$cache" && apt-get download libopenblas0-pthread >/dev/null 2>&1 && dpkg -x libopenblas0-pthread_*.deb root) \
            || echo "run.sh: could not fetch libopenblas0-pthread; the peers use the reference BLAS" >&2
    fi
fi
peer_env+=(LD_LIBRARY_PATH="$blas_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}")

"$root/genderml" bench engine --json "$@" > "$ours"
"${peer_env[@]}" /usr/bin/python3 "$here/engine_peers.py" "$@" > "$peers"
/usr/bin/python3 "$here/table.py" "$ours" "$peers"
