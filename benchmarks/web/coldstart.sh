#!/usr/bin/env bash
# Cold start of `./genderml serve --model pretrained` (docs/BENCHMARKS.md, "HTTP API"): the time from launching the
# command to the first answered `curl -F file=@face.jpg .../api/predict`, polled every 20 ms; RUNS runs (default 5).
# Also the server's CPU time until then. The CLI is built first (./genderml builds it when a source changed), so the figure is start-up, not compilation.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
faces=("$root"/../shared/data/kaggle-gender/test/female/*.jpg)
face="${FACE:-${faces[0]}}"
runs="${RUNS:-5}"; port="${PORT:-18099}"
"$root/genderml" --version >/dev/null
for r in $(seq 1 "$runs"); do
  t0=$(date +%s.%N)
  "$root/genderml" serve --model pretrained --port "$port" >/dev/null 2>&1 &
  pid=$!
  until curl -sf -o /dev/null -F "file=@$face" "http://127.0.0.1:$port/api/predict"; do sleep 0.02; done
  t1=$(date +%s.%N)
  # CPU time the server used until then (utime + stime, fields 14 and 15 of /proc/PID/stat, in 1/100 s): on a shared,
  # busy machine the wall time mostly measures waiting for a core.
  read -r -a stat < <(sed 's/.*) //' "/proc/$pid/stat")
  cpu=$(echo "(${stat[11]} + ${stat[12]}) / 100" | bc -l)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  printf 'run %s: first answer %.2f s after launch, %.2f s of CPU\n' "$r" "$(echo "$t1 - $t0" | bc)" "$cpu"
done
