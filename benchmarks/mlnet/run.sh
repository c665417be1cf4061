#!/usr/bin/env bash
# ML.NET's trainers and the FaceEmbedding pipeline beside GenderML's presets (README.md here).
#   benchmarks/mlnet/run.sh DATA [RUN...]   (default runs: all)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
data="$(cd "$1" && pwd)"; shift
runs=("$@")
[[ ${#runs[@]} -eq 0 ]] && runs=(faceembedding transfer mlnet-lbfgs-pixels logreg mlnet-fasttree-pixels
  mlnet-fasttree-framed gbdt)
dotnet build "$root/benchmarks/MlNetBench" -c Release -nologo -v quiet
nice dotnet "$root/benchmarks/MlNetBench/bin/Release/net10.0/MlNetBench.dll" "$data" "${runs[@]}"
