#!/usr/bin/env bash
# Stops the daemons scripts/slurm/start-cluster.sh started from FOLDER (default /tmp/genderml-slurm), by their pid
# files: slurmd, slurmctld, and munged when that script started it (a munged that was running before is left alone).
set -euo pipefail
dir="${1:-/tmp/genderml-slurm}"
stop() {
  [ -f "$1" ] || return 0
  local pid; pid="$(cat "$1")"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$1"
}
stop "$dir/slurmd.pid"
stop "$dir/slurmctld.pid"
if [ -f "$dir/munged.started" ]; then
  stop /run/munge/munged.pid
  rm -f "$dir/munged.started"
fi
