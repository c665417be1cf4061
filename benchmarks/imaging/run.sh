#!/usr/bin/env bash
# Decode + resize to 50x50 gray: GenderML.Imaging vs PIL and OpenCV, same files, one table.
# Usage: benchmarks/imaging/run.sh [DIR] [ROUNDS] [PASSES]
#   DIR     default ../shared/data/kaggle-gender/train (relative to the repo root)
#   ROUNDS  rounds of (ours, then peers), default 2; the table shows the median over rounds
#   PASSES  timed passes per measurement inside each round (median taken), default 3
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="${1:-$root/../shared/data/kaggle-gender/train}"
rounds="${2:-2}"
passes="${3:-3}"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT

dotnet build "$root/benchmarks/ImagingBench" -c Release -v q -nologo >/dev/null
bench="$root/benchmarks/ImagingBench/bin/Release/net10.0/ImagingBench.dll"
echo "files: $(find "$dir" -name '*.jpg' | wc -l) in $dir; $rounds rounds x $passes passes; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for r in $(seq "$rounds"); do
  echo "round $r: ours" >&2
  dotnet "$bench" --dir "$dir" --threads 1,2 --passes "$passes" >>"$out"
  echo "round $r: peers" >&2
  /usr/bin/python3 "$root/benchmarks/imaging/decode_peers.py" --dir "$dir" --threads 1,2 --passes "$passes" >>"$out"
done
/usr/bin/python3 "$root/benchmarks/imaging/table.py" "$out"
