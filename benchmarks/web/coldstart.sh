#!/usr/bin/env bash
# Cold start of `./genderml serve --model pretrained` (docs/BENCHMARKS.md, "HTTP API"): the time from launching the
# command to the first answered `curl -F file=@face.jpg .../api/predict`, polled every 20 ms; RUNS runs (default 5).
# The CLI is built first (./genderml builds it when a source changed), so the figure is start-up, not compilation.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
face="${FACE:-$root/../shared/data/kaggle-gender/test/female/$(ls "$root/../shared/data/kaggle-gender/test/female" | head -1)}"
runs="${RUNS:-5}"; port="${PORT:-18099}"
"$root/genderml" --version >/dev/null
for r in $(seq 1 "$runs"); do
  t0=$(date +%s.%N)
  "$root/genderml" serve --model pretrained --port "$port" >/dev/null 2>&1 &
  pid=$!
  until curl -sf -o /dev/null -F "file=@$face" "http://127.0.0.1:$port/api/predict"; do sleep 0.02; done
  t1=$(date +%s.%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "run $r: first answer $(echo "$t1 - $t0" | bc) s after launch"
done
