#!/usr/bin/env bash
# Installs the native libraries GenderML calls (TurboJPEG, libpng), Node's npm (for the weights), Debian's chromium
# (the dashboard's browser tests drive it through Playwright, which must not download a browser of its own) and Slurm
# with munge (the scale-out end-to-end test starts a single-node cluster, scripts/slurm/start-cluster.sh).
# Idempotent: does nothing when everything is present. Debian/Ubuntu only; see README for macOS/Windows.
set -euo pipefail
need=()
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
have_lib 'libturbojpeg.so.0' || need+=(libturbojpeg0)
have_lib 'libpng16.so.16' || need+=(libpng16-16)
command -v npm >/dev/null 2>&1 || need+=(npm)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v slurmctld >/dev/null 2>&1 || need+=(slurm-wlm)
command -v munged >/dev/null 2>&1 || need+=(munge)
command -v dotnet >/dev/null 2>&1 || { echo "dotnet not found: install the .NET 10 SDK (https://dotnet.microsoft.com/download)" >&2; exit 1; }
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
