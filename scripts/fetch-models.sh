#!/usr/bin/env bash
# Fetches the pretrained face-api weights (@vladmandic/face-api@1.7.15, MIT) into models/ and checks
# every file's sha256 (../shared/reference/faceapi-models.md §1). Idempotent; never run by the library.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/models/face-api"
sums="$root/scripts/face-api-1.7.15.sha256"
if [ -f "$dest/.verified" ] && (cd "$dest" && sha256sum --quiet -c "$sums" >/dev/null 2>&1); then
  exit 0
fi
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
echo "fetching @vladmandic/face-api@1.7.15 weights into models/face-api"
(cd "$tmp" && npm pack --silent @vladmandic/face-api@1.7.15 >/dev/null)
tgz="$tmp/vladmandic-face-api-1.7.15.tgz"
echo "0d77fffeef362ef9c0939cf6c567f3a2e8e177f114fa257a3270cbd2e509b031  $tgz" | sha256sum --quiet -c -
tar -xzf "$tgz" -C "$tmp" package/model package/LICENSE
mkdir -p "$dest"
while read -r _ name; do cp "$tmp/package/model/$name" "$dest/$name"; done < "$sums"
cp "$tmp/package/LICENSE" "$dest/LICENSE"
(cd "$dest" && sha256sum --quiet -c "$sums")
touch "$dest/.verified"
