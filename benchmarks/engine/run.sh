#!/usr/bin/env bash
# Runs `genderml bench engine --json` and the numpy/PyTorch peers in the same session and prints them side by side.
# usage: benchmarks/engine/run.sh [--threads N] [--skip-sgemm]   (the face-ResNet rows need the face-api weights: scripts/fetch-models.sh)
# (JSON of both kept in benchmarks/engine/last-*.json, not committed)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
ours="$here/last-ours.json"
peers="$here/last-peers.json"
infer_peers="$here/last-infer-peers.jsonl"

# The peers: Debian's numpy and torch link libblas.so.3, which is the netlib reference BLAS here. Make it OpenBLAS
# (AVX-512 kernels) for the peer command only: the installed libopenblas0-pthread, else the package unpacked
# under benchmarks/engine/.cache. The machine's OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE are removed for the peer only.
# glibc keeps freed memory for reuse (mmap only above 32 MB, no trimming): with transparent huge pages "always", PyTorch
# otherwise maps and zeroes its activations afresh every step (a third of its CPU time in the kernel on such a host).
peer_env=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE MALLOC_MMAP_THRESHOLD_=33554432
    MALLOC_TRIM_THRESHOLD_=17179869184 MALLOC_TOP_PAD_=536870912)
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
# The face ResNet (inference, batch 32) in PyTorch, random weights, on the thread counts ours used.
: > "$infer_peers"
for t in $(/usr/bin/python3 -c 'import json,sys; print(" ".join(str(r["threads"]) for r in json.load(open(sys.argv[1]))["infer"] if r["network"] == "faceresnet-150"))' "$ours"); do
    "${peer_env[@]}" /usr/bin/python3 "$root/benchmarks/faceapi/faceresnet_peer.py" --threads "$t" --batch 32 --runs 7 >> "$infer_peers"
done
/usr/bin/python3 "$here/table.py" "$ours" "$peers" "$infer_peers"
