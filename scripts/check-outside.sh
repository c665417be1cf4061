#!/usr/bin/env bash
# Checks that GenderML works outside this checkout, with nothing but its packages or its built command, from a
# temporary folder and with another HOME (so no models/face-api, cache or NuGet folder of this machine is found):
#  1. samples/OutsideApp, published from the packed packages, trains, saves and reloads a framed cnn3 and a transfer
#     model, loads pretrained, and predicts faces; the GenderML.Cli tool installed from the same packages
#     (--tool-path) predicts the same with the same models.
#  2. the CLI as `dotnet publish` writes it, copied alone to the temporary folder, prints the same `predict --json`
#     output for pretrained, a framed cnn2 and a transfer model trained in the checkout as ./genderml does there.
# Needs the packages samples/run.sh packs (artifacts/packages). Trains on 300 faces for 2 epochs: a minute or two.
#   scripts/check-outside.sh [FACES_DIR]     (default: ../shared/data/kaggle-gender; its train/ and test/ are used)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
data="$(cd "${1:-$root/../shared/data/kaggle-gender}" && pwd)"
feed="$root/artifacts/packages"
ls "$feed"/GenderML.Cli.*.nupkg >/dev/null 2>&1 ||
  { echo "no packages in $feed: run samples/run.sh --build-only first" >&2; exit 1; }
work="$(mktemp -d "${TMPDIR:-/tmp}/genderml-outside.XXXXXX")"
trap 'rm -rf "$work"' EXIT
case "$work/" in "$root"/*) echo "$work is inside the checkout" >&2; exit 1;; esac
mkdir -p "$work/faces" "$work/home" "$work/run" "$work/models"
# A small training set (first 150 images of each class) and two test faces, copied outside the checkout.
for c in female male; do
  mkdir -p "$work/faces/$c"
  mapfile -t train < <(find "$data/train/$c" -name '*.jpg' | sort)
  mapfile -t test < <(find "$data/test/$c" -name '*.jpg' | sort)
  cp -t "$work/faces/$c" "${train[@]:0:150}"
  cp "${test[0]}" "$work/run/$c.jpg"
done
images=("$work/run/female.jpg" "$work/run/male.jpg")
outside() { (cd "$work/run" && env -u XDG_CACHE_HOME -u NUGET_PACKAGES -u DOTNET_CLI_HOME HOME="$work/home" "$@"); }
same() {  # same NAME EXPECTED ACTUAL
  if [ "$2" != "$3" ]; then printf '%s differs:\n  expected %s\n  actual   %s\n' "$1" "$2" "$3" >&2; exit 1; fi
  echo "same: $1"
}

echo "== 1. OutsideApp and the genderml tool, from the packages"
dotnet publish samples/OutsideApp/OutsideApp.csproj -c Release -o "$work/app" -nologo -v quiet
outside dotnet tool install --tool-path "$work/tools" --add-source "$feed" GenderML.Cli >/dev/null
outside dotnet "$work/app/OutsideApp.dll" "$work/faces" "$work/models" "${images[@]}" > "$work/app.out"
for m in cnn3 transfer pretrained; do
  model="$m"; [ "$m" = pretrained ] || model="$work/models/$m.zip"
  same "OutsideApp and the tool on $m" "$(grep -P "^$m\t" "$work/app.out" | cut -f2-)" \
    "$(outside "$work/tools/genderml" predict --model "$model" "${images[@]}" --json)"
done
outside "$work/tools/genderml" export --onnx "$work/models/transfer.zip" "$work/transfer.onnx" >/dev/null
echo "exported: the transfer model to ONNX with the installed tool"

echo "== 2. the published CLI alone, against ./genderml in the checkout"
dotnet publish src/GenderML.Cli/GenderML.Cli.csproj -c Release -o "$work/cli" -nologo -v quiet
train=(train --data "$work/faces" --seed 1 --quiet --cache "$work/cache")
./genderml "${train[@]}" --model cnn2 --epochs 2 --out "$work/cnn2.zip"
./genderml "${train[@]}" --model transfer --out "$work/transfer.zip"
for model in pretrained "$work/cnn2.zip" "$work/transfer.zip"; do
  same "published CLI on $(basename "$model")" "$(./genderml predict --model "$model" "${images[@]}" --json)" \
    "$(outside dotnet "$work/cli/GenderML.Cli.dll" predict --model "$model" "${images[@]}" --json)"
done
echo "GenderML works outside the checkout"
