#!/usr/bin/env bash
# Side by side: GenderML gradient-boosted trees vs scikit-learn's HistGradientBoostingClassifier on 50x50 gray
# pixels of ../shared/data/kaggle-gender (train 20,000 -> test 11,649), at equal settings (100 trees, 20 leaves,
# >= 10 examples per leaf, learning rate 0.2, 255 bins, no L2, no early stopping).
# Usage: benchmarks/gbdt/run.sh [runs]   (runs of each configuration; the table shows medians)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
data="${GBDT_DATA:-/tmp/gbdt-kaggle50.bin}"
runs="${1:-1}"
log="$(mktemp /tmp/gbdt-run.XXXXXX)"

/usr/bin/python3 "$here/gbdt_peers.py" --data-dir "$root/../shared/data/kaggle-gender" --out "$data" --decode-only
dotnet build "$root/benchmarks/GbdtBench" -c Release -v q -nologo > /dev/null
bench="$root/benchmarks/GbdtBench/bin/Release/net10.0/GbdtBench.dll"

for ((i = 0; i < runs; i++)); do
  (unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE; OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE \
    /usr/bin/python3 "$here/gbdt_peers.py" --out "$data") | grep '"impl"' | tee -a "$log"
  dotnet "$bench" --data "$data" --threads 2 | tee -a "$log"
  dotnet "$bench" --data "$data" --threads 1 | tee -a "$log"
done

/usr/bin/python3 - "$log" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
groups = {}
for r in rows:
    groups.setdefault((r["impl"], r["threads"]), []).append(r)
peer = statistics.median(r["fit_seconds"] for r in groups.get(("sklearn", 2), [{"fit_seconds": float("nan")}]))
print()
print("| implementation | threads | runs | test accuracy % | fit s (median) | fit CPU s | vs sklearn wall | model sha256 |")
print("|---|---|---|---|---|---|---|---|")
for (impl, threads), rs in sorted(groups.items(), key=lambda kv: (kv[0][0] != "sklearn", -kv[0][1])):
    fit = statistics.median(r["fit_seconds"] for r in rs)
    cpu = statistics.median(r["fit_cpu_seconds"] for r in rs)
    acc = statistics.median(r["accuracy"] for r in rs)
    sha = ",".join(sorted({r.get("model_sha256", "-") for r in rs}))
    print(f"| {impl} | {threads} | {len(rs)} | {acc:.2f} | {fit:.1f} | {cpu:.1f} | {fit / peer:.2f}x | {sha} |")
PY
rm -f "$log"
