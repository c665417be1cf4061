#!/usr/bin/env bash
# SGEMM GFLOP/s of GenderML.Core's Gemm beside numpy (OpenBLAS) and torch.mm, shape by shape in one run.
# Usage: benchmarks/kernels/run.sh            (all shapes, 1 and 2 threads, 3 rounds, wall time)
#   THREADS=1,2 ROUNDS=3 SECONDS_EACH=1 SHAPES=MxNxK,... CPU=1 RAW=raw.txt benchmarks/kernels/run.sh
#   CPU=1 divides by process CPU time instead of wall time (useful when other tenants load the machine).
# Each cell is the median over rounds of each round's median; ours and the peers alternate shape by shape.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
THREADS=${THREADS:-1,2}
ROUNDS=${ROUNDS:-3}
SECONDS_EACH=${SECONDS_EACH:-1}
SHAPES=${SHAPES:-256x256x256,512x512x512,1024x1024x1024,2048x2048x2048,64x18432x576,32x147456x9,128x36864x1152}
cpu_flag=()
[[ "${CPU:-0}" == 1 ]] && cpu_flag=(--cpu)

dotnet build benchmarks/KernelBench -c Release -v q -nologo >/dev/null
bench="$root/benchmarks/KernelBench/bin/Release/net10.0/KernelBench"

# The peers: Debian's numpy and torch link libblas.so.3. Make it OpenBLAS for the peer command only
# (installed libopenblas0-pthread, else the package unpacked under benchmarks/kernels/.cache).
# glibc keeps freed memory for reuse (as in benchmarks/engine/run.sh: with transparent huge pages "always" PyTorch
# otherwise maps and zeroes its large buffers afresh every call).
peer_env=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE MALLOC_MMAP_THRESHOLD_=33554432
    MALLOC_TRIM_THRESHOLD_=17179869184 MALLOC_TOP_PAD_=536870912)
blas_dir=/usr/lib/x86_64-linux-gnu/openblas-pthread
if [[ ! -e "$blas_dir/libblas.so.3" ]]; then
    cache="$root/benchmarks/kernels/.cache"
    blas_dir="$cache/root/usr/lib/x86_64-linux-gnu/openblas-pthread"
    if [[ ! -e "$blas_dir/libblas.so.3" ]]; then
        mkdir -p "$cache"
        (cd "$cache" && apt-get download libopenblas0-pthread >/dev/null 2>&1 && dpkg -x libopenblas0-pthread_*.deb root)
    fi
fi
peer_env+=(LD_LIBRARY_PATH="$blas_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}")
blas=$("${peer_env[@]}" /usr/bin/python3 -c "import numpy; from threadpoolctl import threadpool_info as t; i=[x for x in t() if x['user_api']=='blas']; print(i[0]['internal_api'], i[0].get('version'), i[0].get('architecture')) if i else print('reference BLAS')")

# RAW=file keeps every measurement (one line per run: who M N K threads GFLOP/s).
raw=${RAW:-$(mktemp)}
[[ -n "${RAW:-}" ]] || trap 'rm -f "$raw"' EXIT
: >"$raw"
for ((r = 0; r < ROUNDS; r++)); do
    for shape in ${SHAPES//,/ }; do
        "$bench" --shapes "$shape" --threads "$THREADS" --seconds "$SECONDS_EACH" "${cpu_flag[@]}" | sed 's/^sgemm/ours/' >>"$raw"
        "${peer_env[@]}" /usr/bin/python3 benchmarks/kernels/sgemm_peers.py --shapes "$shape" --threads "$THREADS" --seconds "$SECONDS_EACH" "${cpu_flag[@]}" >>"$raw"
    done
done

echo "SGEMM GFLOP/s ($([[ ${#cpu_flag[@]} -gt 0 ]] && echo 'per CPU second' || echo 'wall time'), median of $ROUNDS rounds); peers: numpy + torch $("${peer_env[@]}" /usr/bin/python3 -c 'import torch; print(torch.__version__)') on $blas"
/usr/bin/python3 - "$raw" <<'PY'
import statistics, sys
cells = {}
for line in open(sys.argv[1]):
    who, m, n, k, t, g = line.split()
    cells.setdefault((int(m), int(n), int(k), int(t)), {}).setdefault(who, []).append(float(g))
print(f"{'M':>6} {'N':>7} {'K':>5} {'thr':>3} | {'ours':>6} {'numpy':>6} {'torch':>6} | {'ours/numpy':>10} {'ours/torch':>10}")
for key in cells:
    med = {w: statistics.median(v) for w, v in cells[key].items()}
    o, np_, to = med.get("ours", 0), med.get("numpy", 0), med.get("torch", 0)
    print(f"{key[0]:>6} {key[1]:>7} {key[2]:>5} {key[3]:>3} | {o:6.1f} {np_:6.1f} {to:6.1f} | {o/np_ if np_ else 0:10.2f} {o/to if to else 0:10.2f}")
PY
