#!/usr/bin/env bash
# The web load test (docs/BENCHMARKS.md, "HTTP API under load"): publishes the CLI, then
#  1. 200 clients for 60 s on the default settings (batched),
#  2. 64 clients, one image per batch (--max-batch 1) against batched (the default), alternating, ROUNDS rounds of
#     SECONDS each,
#  3. 200 clients for 60 s again with DOTNET_GCConserveMemory=9 (the GC compacts the large-object heap).
# Faces: the first 256 crops of the test split. Loopback only; the server is its own process (RSS and CPU from /proc).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
faces="${FACES:-$root/../shared/data/kaggle-gender/test}"
seconds="${SECONDS_PER_RUN:-30}"; rounds="${ROUNDS:-2}"
out="$(mktemp -d)"
dotnet publish "$root/src/GenderML.Cli" -c Release -o "$out/cli" -nologo -v q >/dev/null
dotnet build "$root/benchmarks/web/WebLoad" -c Release -nologo -v q -o "$out/load" >/dev/null
load() { dotnet "$out/load/WebLoad.dll" "$out/cli/GenderML.Cli.dll" "$faces" "$@"; }
load 200 60 --model pretrained
for r in $(seq 1 "$rounds"); do
  load 64 "$seconds" --model pretrained --max-batch 1
  load 64 "$seconds" --model pretrained
done
DOTNET_GCConserveMemory=9 load 200 60 --model pretrained
