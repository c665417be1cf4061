#!/usr/bin/env bash
# Runs every test: installs what the tests need first (native libraries, weights), then `dotnet test`.
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
cd "$root"
scripts/install-deps.sh
scripts/fetch-models.sh
dotnet test GenderML.sln -c Release -nologo "$@"
