#!/usr/bin/env bash
# Packs the library (GenderML and its GenderML.Data/.Core/.Imaging/.FaceApi.Models dependencies; GenderML.Onnx, .Web,
# .Batch, .MLNet) and the GenderML.Cli tool into artifacts/packages, restores the samples from that folder as an outside
# app would, and runs QuickStart on a folder of faces. scripts/check-outside.sh runs OutsideApp and the tool from outside
# the checkout.
#   samples/run.sh [FACES_DIR]      (default: ../shared/data/kaggle-gender)
#   samples/run.sh --build-only     (pack and build the samples; what CI runs)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
feed="$root/artifacts/packages"
mkdir -p "$feed"
for p in GenderML.Core GenderML.Imaging GenderML.Data GenderML.FaceApi.Models GenderML GenderML.Onnx GenderML.Web GenderML.Batch GenderML.MLNet GenderML.Cli; do
  dotnet pack "src/$p/$p.csproj" -c Release -o "$feed" -nologo -v quiet
done
# Same version re-packed: drop the samples' private copy of the old one so restore takes the new.
rm -rf "$root"/artifacts/sample-packages-cache/genderml*
for s in QuickStart BaselineVsCnn TransferAndPhotos OutsideApp OnnxExport MlNetPipeline; do
  dotnet build "samples/$s/$s.csproj" -c Release -nologo -v quiet
done
[[ "${1:-}" == "--build-only" ]] && { echo "samples built against the packages in $feed"; exit 0; }
data="$(cd "${1:-$root/../shared/data/kaggle-gender}" && pwd)"
cd "$root/artifacts" && dotnet run --no-build -c Release --project "$root/samples/QuickStart/QuickStart.csproj" -- "$data"
