#!/usr/bin/env bash
# Differential harness: `factory config` against `docker compose config` (v2.40.3) on every
# corpus file Compose accepts (INDEX.tsv column `compose_config_ok` = yes).
#
#   usage: tests/differential/run.sh [-v]
#     -v          print every differing value
#   environment:
#     COMPOSE     use this docker-compose binary instead of installing one
#     FACTORY     use this factory binary instead of building one (release)
#     KEEP        keep the outputs in this directory
#
# Both tools run from the file's folder with an empty environment (`env -i` plus PATH), with
# `-p NAME -f FILE config --format json`. Every allow-listed service key must be equal unless
# the difference is listed in tests/differential/EXCEPTIONS.md; other keys are reported only.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
shared="$root/../shared"
corpus="$shared/corpus"

if [[ -z "${COMPOSE:-}" ]]; then
  COMPOSE="$("$shared/tools/install-compose.sh")"
fi
if [[ -z "${FACTORY:-}" ]]; then
  (cd "$root" && cargo build --quiet --release -p factory-cli) >&2
  FACTORY="${CARGO_TARGET_DIR:-$root/target}/release/factory"
fi
[[ "$FACTORY" = /* ]] || FACTORY="$PWD/$FACTORY"

out="${KEEP:-$(mktemp -d)}"
mkdir -p "$out/compose" "$out/factory"
[[ -n "${KEEP:-}" ]] || trap 'rm -rf "$out"' EXIT

name=difftest
n=0
while IFS= read -r path; do
  key="${path//\//%}"
  dir="$corpus/$(dirname "$path")"
  file="$(basename "$path")"
  (cd "$dir" && env -i PATH="$PATH" "$COMPOSE" -p "$name" -f "$file" config --format json </dev/null \
    >"$out/compose/$key.json" 2>"$out/compose/$key.err") || true
  (cd "$dir" && env -i PATH="$PATH" "$FACTORY" config -p "$name" -f "$file" --format json </dev/null \
    >"$out/factory/$key.json" 2>"$out/factory/$key.err") || true
  n=$((n + 1))
done < <(awk -F'\t' 'NR > 1 && $3 == "yes" { print $1 }' "$corpus/INDEX.tsv")

echo "compared $n files" >&2
exec python3 "$here/compare.py" --index "$corpus/INDEX.tsv" --out "$out" \
  --exceptions "$here/EXCEPTIONS.md" "$@"
