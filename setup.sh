#!/usr/bin/env bash
# One command: install native libraries, fetch the pretrained weights, build, and run the main job:
# inspect the face data, train the logistic-regression baseline on its train split, evaluate it on its
# test split. Idempotent; pass another data folder as the first argument.
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
cd "$root"
scripts/install-deps.sh
scripts/fetch-models.sh
dotnet build GenderML.sln -c Release -nologo -v q -clp:ErrorsOnly
data="${1:-../shared/data/kaggle-gender}"
if [ -d "$data" ]; then
  ./genderml data inspect "$data"
  ./genderml train --data "$data" --model logreg --out models/logreg.zip
  ./genderml evaluate --model models/logreg.zip --data "$data"
else
  echo "setup done; no data folder at $data (pass one as the first argument)"
fi
