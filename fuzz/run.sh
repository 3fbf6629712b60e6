#!/usr/bin/env bash
# Run every fuzz target (or the ones named) for SECONDS each, on stable Rust.
#   usage: fuzz/run.sh SECONDS [TARGET...]
# Installs cargo-fuzz when missing. Seeds the compose targets from ../shared/corpus and the
# differential cases of factory-compose/tests/fixtures/differential (copied into
# fuzz/corpus/, which is not committed). A crash leaves its input in fuzz/artifacts/TARGET/: copy
# it to fuzz/regressions/TARGET/ so `cargo test` replays it forever after.
set -euo pipefail
secs="${1:-30}"
shift || true
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz" >&2
  cargo install cargo-fuzz --locked >&2
fi

if [[ $# -gt 0 ]]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo fuzz list)
fi

shared="$here/../../shared/corpus"
# The differential cases hold the tricky inputs (tags, folds, casts) Compose was checked on.
cases="$here/../factory-compose/tests/fixtures/differential"
for t in yaml_tree lint lint_structured config_fixed_point; do
  mkdir -p "corpus/$t"
  for seeds in "$shared" "$cases"; do
    [[ -d "$seeds" ]] || continue
    find "$seeds" -type f \( -name '*.yml' -o -name '*.yaml' \) -size -64k -print0 |
      while IFS= read -r -d '' f; do
        cp "$f" "corpus/$t/$(printf '%s' "$f" | md5sum | cut -c1-16)"
      done
  done
done
mkdir -p corpus/dockerfile
find "$here/.." -name 'Dockerfile*' -type f -not -path '*/target/*' -not -path '*/fuzz/*' -print0 |
  while IFS= read -r -d '' f; do cp "$f" "corpus/dockerfile/$(printf '%s' "$f" | md5sum | cut -c1-16)"; done
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  if [[ -d "regressions/$t" ]]; then cp regressions/"$t"/* "corpus/$t/" 2>/dev/null || true; fi
  echo "== fuzz $t for ${secs}s" >&2
  log="$(mktemp)"
  if ! cargo fuzz run -s none "$t" "corpus/$t" -- -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
      -print_final_stats=1 >"$log" 2>&1; then
    tail -n 60 "$log" >&2
    echo "error: fuzz target $t failed (a crash input is in fuzz/artifacts/$t if it found one)" >&2
    exit 1
  fi
  grep -E "stat::number_of_executed_units|Done [0-9]+ runs" "$log" >&2 || true
  rm -f "$log"
done
echo "fuzzing: ${#targets[@]} targets, ${secs}s each, no finding"
