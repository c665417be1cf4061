#!/usr/bin/env bash
# Throughput of `genderml batch embed` and `batch predict --model pretrained` with 1 and 2 tasks (one thread each, the
# two tasks as two processes at once, as two Slurm array tasks on this 2-core machine), alternating 1-task and
# 2-task rounds; CPU time (user+sys, from /usr/bin/time) beside wall time. Then the Slurm overhead per task: an array of
# 8 `true` tasks on the single-node cluster (scripts/slurm/start-cluster.sh), and a task's start-up (runtime, model load)
# as `batch predict` of one image. Writes one line per measurement to stdout.
#
#   benchmarks/batch/run.sh [IMAGES_PER_CLASS] [ROUNDS]     (default 200 and 3; faces from ../shared/data test split)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
per="${1:-200}"; rounds="${2:-3}"
work="$(mktemp -d /tmp/genderml-batch-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
dotnet publish "$root/src/GenderML.Cli" -c Release -o "$work/cli" -nologo -v q -clp:ErrorsOnly >&2
cli=(dotnet "$work/cli/GenderML.Cli.dll")
for c in female male; do
  mkdir -p "$work/in/$c"
  ls "$root/../shared/data/kaggle-gender/test/$c" | sort | head -n "$per" | while read -r f; do
    cp "$root/../shared/data/kaggle-gender/test/$c/$f" "$work/in/$c/"; done
done
n=$((2 * per))
timed() { /usr/bin/time -f "%e %U %S" -o "$1" "${@:2}" >/dev/null 2>&1; }
row() { # kind tasks wall cpu
  awk -v k="$1" -v t="$2" -v w="$3" -v c="$4" -v n="$n" 'BEGIN { printf "%s\t%d task(s)\t%d images\twall %.1f s\tcpu %.1f s\t%.1f images/s (wall)\t%.1f ms cpu/image\n", k, t, n, w, c, n / w, 1000 * c / n }'
}
args() { case "$1" in predict) echo "--model pretrained" ;; *) echo "" ;; esac; }
for r in $(seq "$rounds"); do
  for kind in embed predict; do
    rm -rf "$work/o1" "$work/o2"
    start=$(date +%s.%N)
    # shellcheck disable=SC2046
    timed "$work/t1" "${cli[@]}" batch "$kind" $(args "$kind") --input "$work/in" --out "$work/o1" --threads 1 --quiet
    wall=$(echo "$(date +%s.%N) - $start" | bc)
    row "$kind" 1 "$wall" "$(awk '{ print $2 + $3 }' "$work/t1")"
    start=$(date +%s.%N)
    for i in 0 1; do
      # shellcheck disable=SC2046
      timed "$work/t2-$i" "${cli[@]}" batch "$kind" $(args "$kind") --input "$work/in" --out "$work/o2" --shard "$i/2" --threads 1 --quiet &
    done
    wait
    wall=$(echo "$(date +%s.%N) - $start" | bc)
    row "$kind" 2 "$wall" "$(cat "$work"/t2-* | awk '{ s += $2 + $3 } END { print s }')"
    cmp <("${cli[@]}" batch merge --out "$work/o1" --format csv) <("${cli[@]}" batch merge --out "$work/o2" --format csv) \
      || { echo "1-task and 2-task rows differ" >&2; exit 1; }
  done
done

# A task's start-up: the runtime, the input listing and the model, for one image.
mkdir -p "$work/one/female"; cp "$(ls "$work"/in/female/* | head -1)" "$work/one/female/"
for r in $(seq "$rounds"); do
  rm -rf "$work/o3"
  timed "$work/t3" "${cli[@]}" batch predict --model pretrained --input "$work/one" --out "$work/o3" --threads 1 --quiet
  awk '{ printf "task start-up (batch predict of 1 image)\twall %.2f s\tcpu %.2f s\n", $1, $2 + $3 }' "$work/t3"
done

# Slurm: 8 array tasks that do nothing, submitted and waited for.
if command -v sbatch >/dev/null && [ "$(id -u)" -eq 0 ]; then
  export GENDERML_SLURM_PORT="${GENDERML_SLURM_PORT:-6917}"
  "$root/scripts/slurm/start-cluster.sh" "$work/slurm" >/dev/null
  export SLURM_CONF="$work/slurm/slurm.conf"
  for r in $(seq "$rounds"); do
    start=$(date +%s.%N)
    id=$(sbatch --parsable --array=0-7 --output=/dev/null --wrap=true)
    while [ -n "$(squeue -h -j "$id")" ]; do sleep 0.05; done
    wall=$(echo "$(date +%s.%N) - $start" | bc)
    awk -v w="$wall" 'BEGIN { printf "slurm: 8 empty array tasks on 2 CPUs\twall %.2f s\t%.3f s per task\n", w, w / 8 }'
  done
  "$root/scripts/slurm/stop-cluster.sh" "$work/slurm"
fi
