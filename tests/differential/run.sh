#!/usr/bin/env bash
# Differential harness: `factory config` against `docker compose config` (v2.40.3) on every
# corpus file Compose accepts (INDEX.tsv column `compose_config_ok` = yes).
#
# Then on every base+override set of OVERRIDE_PAIRS.tsv Compose accepts: both tools run from the
# first file's folder with each `-f` relative to it; the figure for pairs is reported apart.
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
# Then the YAML output (`config` without `--format`) must be byte for byte Compose's.
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
  target="${CARGO_TARGET_DIR:-$root/target}"
  [[ "$target" = /* ]] || target="$root/$target"
  FACTORY="$target/release/factory"
fi
[[ "$FACTORY" = /* ]] || FACTORY="$PWD/$FACTORY"

out="${KEEP:-$(mktemp -d)}"
mkdir -p "$out/compose" "$out/factory" "$out/pairs/compose" "$out/pairs/factory"
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
  (cd "$dir" && env -i PATH="$PATH" "$COMPOSE" -p "$name" -f "$file" config </dev/null \
    >"$out/compose/$key.yaml" 2>/dev/null) || true
  (cd "$dir" && env -i PATH="$PATH" "$FACTORY" config -p "$name" -f "$file" </dev/null \
    >"$out/factory/$key.yaml" 2>/dev/null) || true
  n=$((n + 1))
done < <(awk -F'\t' 'NR > 1 && $3 == "yes" { print $1 }' "$corpus/INDEX.tsv")

echo "compared $n files" >&2

# Override pairs: `a + b + c` in -f order; run from a's folder, each -f relative to it.
p=0
while IFS= read -r set; do
  key="${set//\//%}"
  key="${key// + /+}"
  read -r -a files <<<"${set// + / }"
  first="${files[0]}"
  dir="$corpus/$(dirname "$first")"
  args=()
  for f in "${files[@]}"; do
    args+=(-f "$(python3 -c 'import os,sys; print(os.path.relpath(sys.argv[1], sys.argv[2]))' "$corpus/$f" "$dir")")
  done
  (cd "$dir" && env -i PATH="$PATH" "$COMPOSE" -p "$name" "${args[@]}" config --format json </dev/null \
    >"$out/pairs/compose/$key.json" 2>"$out/pairs/compose/$key.err") || true
  (cd "$dir" && env -i PATH="$PATH" "$FACTORY" config -p "$name" "${args[@]}" --format json </dev/null \
    >"$out/pairs/factory/$key.json" 2>"$out/pairs/factory/$key.err") || true
  (cd "$dir" && env -i PATH="$PATH" "$COMPOSE" -p "$name" "${args[@]}" config </dev/null \
    >"$out/pairs/compose/$key.yaml" 2>/dev/null) || true
  (cd "$dir" && env -i PATH="$PATH" "$FACTORY" config -p "$name" "${args[@]}" </dev/null \
    >"$out/pairs/factory/$key.yaml" 2>/dev/null) || true
  p=$((p + 1))
done < <(awk -F'\t' 'NR > 1 && $2 == "yes" { print $1 }' "$corpus/OVERRIDE_PAIRS.tsv")
echo "compared $p override sets" >&2

status=0
python3 "$here/compare.py" --index "$corpus/INDEX.tsv" --pairs "$corpus/OVERRIDE_PAIRS.tsv" --out "$out" \
  --exceptions "$here/EXCEPTIONS.md" "$@" || status=$?

# The YAML output (the default format), byte for byte: Compose's key order, quoting, block
# styles and the `x-` keys only YAML has.
same=0
differ=()
for c in "$out"/compose/*.yaml "$out"/pairs/compose/*.yaml; do
  rel="${c#"$out"/}"
  f="$out/${rel/compose\//factory/}"
  if cmp -s "$c" "$f"; then
    same=$((same + 1))
  else
    differ+=("$(basename "$c" .yaml)")
  fi
done
echo "YAML output: $same identical, ${#differ[@]} different (files and override sets)"
for d in "${differ[@]}"; do
  echo "  YAML differs: ${d//%//}"
done
[[ ${#differ[@]} -eq 0 ]] || status=1
exit "$status"
